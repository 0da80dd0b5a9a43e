// Province policies are data: which steps a candidate goes through, in which order, with which limits and thresholds.
// The flow state machine (core/flow) and the server both read them; nothing here contains logic.
import type { Text } from '../text.ts';
import type { PhotoSpec } from '../photo/spec.ts';

/** How the candidate reaches the phone flow. */
export type LoginKind = 'pc-qr' | 'sms-code' | 'app-link';

/** Sides of the second-generation resident ID card: the portrait side (人像面) and the national-emblem side (国徽面). */
export type IdSide = 'portrait' | 'emblem';

/** The actions an action-liveness challenge draws from. */
export type LivenessAction =
	'blink' | 'turn_left' | 'turn_right' | 'raise_head' | 'lower_head' | 'open_mouth';

export const LIVENESS_ACTIONS: readonly LivenessAction[] = [
	'blink',
	'turn_left',
	'turn_right',
	'raise_head',
	'lower_head',
	'open_mouth'
];

/**
 * Liveness evidence the server checks itself: 'frames' = a few small face crops at moments the challenge's nonce
 * picks go up with the bundle and are deleted once the verdict is recorded (core/liveness/evidence.ts). Absent or
 * 'none' (the default): face images stay on the phone and liveness is the phone's claim. The server's answer when
 * the phone opens the link says which it checks; the phone follows it (withLivenessEvidence).
 */
export type LivenessEvidence = 'none' | 'frames';

/**
 * The colour challenge (core/liveness/colour.ts): the phone shows a sequence of colours derived from the challenge's
 * nonce and the face's reflection must follow it. 'when_supported' runs it only where the phone can show it (a
 * screen it can fill and a camera whose frames it can read); absent means 'off'.
 */
export type LivenessColour = 'off' | 'on' | 'when_supported';

/** Options every liveness kind takes. */
interface LivenessOptions {
	evidence?: LivenessEvidence;
	colour?: LivenessColour;
}

export interface ActionsLiveness extends LivenessOptions {
	kind: 'actions';
	/** How many distinct actions, in random order (>= 2). */
	count: number;
	/** Actions the challenge may draw from. */
	pool: readonly LivenessAction[];
	/** A step not completed within this many ms fails the challenge as too slow. */
	stepTimeoutMs: number;
}

export interface DigitsLiveness extends LivenessOptions {
	kind: 'digits';
	/** Number of random digits read aloud (4-6). */
	length: number;
	/** The recorded clip must last between these (3-5 s). */
	clipMinMs: number;
	clipMaxMs: number;
}

export type LivenessPolicy = ActionsLiveness | DigitsLiveness;

export type PhotoRequirement =
	| { kind: 'none' }
	| {
			kind: 'upload';
			/** The photo engine's spec (src/lib/core/photo/spec.ts): file, background, head, pose, light rules. */
			spec: PhotoSpec;
			/** Faces the uploaded photo is compared with. */
			compareWith: readonly ('id_portrait' | 'live_face')[];
			/** Beijing shows the processed output photo next to the original before the candidate submits it. */
			showProcessed: boolean;
	  }
	| {
			/**
			 * No photo step: the face capture (liveness) keeps one frame of the face and sends it as the photo, so the
			 * server's own face engine has a face to compare with the reference photo (a JPEG still, never video).
			 */
			kind: 'live_still';
			/** The photo engine's spec of the still (liveStillSpec): face rules only. */
			spec: PhotoSpec;
	  };

/** What a candidate is offered once the verification attempts are used up. */
export type ExhaustedOutcome = 'manual_review' | 'on_site' | 'contact_office';

/** Which failures count against the attempt limit. */
export type FailureKind = 'liveness' | 'face_match' | 'photo_match' | 'identity_check';

export interface AttemptLimit {
	/** Failed verifications allowed; the one that reaches this number ends online verification. */
	max: number;
	counts: readonly FailureKind[];
	/** Offered after the last failure (the candidate picks one when there are several). */
	then: readonly ExhaustedOutcome[];
}

export interface Limits {
	attempts: AttemptLimit | null;
	/** Photo uploads per calendar day in China Standard Time (reset at midnight), or null for no limit. */
	photoUploadsPerDay: number | null;
}

/** A decision threshold kept next to the false-accept rate it was calibrated for. */
export interface Threshold {
	value: number;
	/** False-accept rate targeted at this threshold (0.001 = 0.1 %). */
	falseAcceptRate: number;
	/** Where the number comes from (calibration set or "placeholder"). */
	calibratedOn: string;
	/** True until the face engine exports a calibrated value. */
	placeholder: boolean;
}

export interface Thresholds {
	/** Cosine similarity of two face embeddings at or above which they are the same person. */
	faceMatch: Threshold;
	/** Passive anti-spoof live probability at or above which a face counts as live. */
	antiSpoof: Threshold;
}

/** Steps of the candidate flow, in the order a policy lists them. */
export type FlowStep =
	'consent' | 'confirm_record' | 'id_capture' | 'liveness' | 'photo' | 'signature' | 'review';

export interface SuccessSms {
	admissionNumber: boolean;
	/** Length of the random numeric password sent with it. */
	passwordDigits: number;
}

/** The identity authority as a province uses it. */
export interface AuthorityPolicy {
	/**
	 * The authority's similarity at or above which its portrait is the candidate, on the authority's own scale: its
	 * answer comes from its own face model, never comparable with our model's cosine (thresholds.faceMatch).
	 */
	threshold: Threshold;
}

/**
 * What the server compares the uploaded photo's face with before it confirms anyone: the phone's results are claims
 * (its code is in the candidate's hands), so only this evidence can confirm. See docs/threat-model.md.
 */
export interface ServerEvidencePolicy {
	/**
	 * Ask the identity authority with the photo (Beijing: 公安部身份认证), or false: compare with the candidate's
	 * reference photo.
	 */
	authority: AuthorityPolicy | false;
	/**
	 * Without any server evidence, confirm on the phone's signed results instead of holding for review. WEAKER: a
	 * modified client then confirms whoever it likes; for a province that accepts that risk explicitly.
	 */
	trustDevice: boolean;
	/**
	 * A reference-photo match at or above the face-match threshold but below this similarity is held for a person
	 * instead of confirmed, or null: the threshold alone decides. A morph of the candidate and a stand-in clears the
	 * threshold often, and a higher line caps the stand-in's share of it at the price of honest candidates in review
	 * (docs/threat-model.md, "Morphed photos"): an office's choice, made with its own photos.
	 */
	clearMatch: number | null;
}

/**
 * A registration photo the candidate uploads on the registration site before any confirmation, audited by the
 * office (Fujian's 预报名照片审核); once approved it is the candidate's reference photo.
 */
export interface PreRegistrationPolicy {
	/** The photo engine's spec the upload is checked against (the same core as the phone's photo step). */
	photo: PhotoSpec;
	/** The office's target for auditing an upload, in hours: the queue shows each upload's age against it. */
	auditTargetHours: number;
	/** Uploads a candidate may make per calendar day in China Standard Time (a rejection allows another). */
	uploadsPerDay: number;
}

/**
 * Who controls the candidate's personal information in a province, how to reach them, and how long the uploaded
 * photo and signature are kept: the candidate documents (src/lib/core/documents) print exactly these.
 */
export interface OfficeInfo {
	name: Text;
	/** Where candidates ask, withdraw consent or ask for deletion (the office's published channel). */
	contact: Text;
	/** Days the final photo and signature image are kept after the outcome. */
	retentionDays: number;
	/** Hours within which the office promises to decide a review case (the dashboard's target line), or null. */
	reviewTargetHours: number | null;
}

export interface ProvincePolicy {
	id: string;
	name: Text;
	login: readonly LoginKind[];
	steps: readonly FlowStep[];
	idSides: readonly IdSide[];
	liveness: LivenessPolicy;
	photo: PhotoRequirement;
	limits: Limits;
	signatureRequired: boolean;
	/** SMS sent when verification succeeds, or null when the province sends none. */
	successSms: SuccessSms | null;
	/** Where "try again" after a failed attempt starts: a fixed step, or the step that failed. */
	retryFrom: FlowStep | 'failed_step';
	/** On-site confirmation is always offered instead of face processing (consent must be free). */
	onSiteAlternative: true;
	thresholds: Thresholds;
	serverEvidence: ServerEvidencePolicy;
	/**
	 * The audited pre-registration photo, or null. With one, a candidate without a reference photo cannot start a
	 * session until the office has approved their upload.
	 */
	preRegistration: PreRegistrationPolicy | null;
	/** The province's published guide the rules come from, by its title. */
	source: string;
	office: OfficeInfo;
}
