// The candidate flow's state and events. State is plain JSON: it is saved in IndexedDB after every transition and
// resumed after a reload, so it holds no functions, dates or class instances (times are epoch ms).
import type { Text } from '../text.ts';
import type { DocumentVersions } from '../documents/index.ts';
import type { ExhaustedOutcome, FailureKind, FlowStep, IdSide } from '../policy/types.ts';

export type FlowStatus =
	| FlowStep
	/** The signed bundle is being sent (or waits in IndexedDB for the network). */
	| 'submitting'
	| 'done'
	/** A verification failed and attempts remain (or the policy sets no limit). */
	| 'attempt_failed'
	| 'manual_review'
	| 'contact_office'
	| 'on_site';

export type NoticeCode =
	| 'face_consent_required'
	| 'terms_required'
	| 'event_not_allowed'
	| 'side_not_required'
	| 'record_mismatch'
	| 'photo_daily_limit'
	| 'photo_noncompliant'
	| 'liveness_failed'
	| 'face_mismatch'
	| 'photo_mismatch'
	| 'identity_check_failed'
	| 'attempts_exhausted'
	| 'incomplete'
	| 'submit_queued'
	| 'submit_retry_later'
	| 'submit_redo'
	| 'submit_refused'
	| 'retry_step_not_allowed';

/** What the flow has to say, as a code: the words are looked up when shown (notices.ts, noticeText). */
export interface Notice {
	code: NoticeCode;
	/** Extra detail for the screen, e.g. the liveness reason code or attempts left. */
	detail?: Record<string, string | number>;
}

export interface FailureRecord {
	kind: FailureKind;
	/** The engine's reason code (e.g. liveness "timeout"). */
	reason: string;
	step: FlowStatus;
	at: number;
	/** Whether it counted against the policy's attempt limit. */
	counted: boolean;
}

export interface FlowState {
	version: 1;
	policyId: string;
	status: FlowStatus;
	startedAt: number;
	updatedAt: number;
	/** What the candidate agreed to, with the document versions they read (src/lib/core/documents). */
	consent: { terms: true; faceProcessing: true; at: number; versions?: DocumentVersions } | null;
	recordConfirmed: boolean;
	idSides: IdSide[];
	livenessPassed: boolean;
	photoAccepted: boolean;
	signatureSaved: boolean;
	failures: FailureRecord[];
	/**
	 * The server is the authority on the attempt limit: counted failures it already held when this session opened
	 * (earlier sessions of the same candidate), and the latest count it answered. Absent in flows saved before.
	 */
	priorFailures?: number;
	serverFailures?: number;
	/** Photo uploads on one China Standard Time calendar day ("YYYY-MM-DD"). */
	photoUploads: { day: string; count: number };
	/** The step that failed last, for "try again". */
	failedStep: FlowStep | null;
	/** The submission waits in IndexedDB until the network is back. */
	submitQueued: boolean;
	result: { admissionNumber: string | null; smsSent: boolean } | null;
	/** Why the last event was refused, or what just went wrong, for the screen. */
	notice: Notice | null;
}

export type FlowEvent =
	| { type: 'GIVE_CONSENT'; terms: boolean; faceProcessing: boolean; versions?: DocumentVersions; at: number }
	/** A document changed since the candidate agreed: they accept the new versions to go on where they were. */
	| { type: 'RENEW_CONSENT'; terms: boolean; faceProcessing: boolean; versions: DocumentVersions; at: number }
	| { type: 'CHOOSE_ON_SITE'; at: number }
	| { type: 'CONFIRM_RECORD'; at: number }
	| { type: 'RECORD_MISMATCH'; field?: string; at: number }
	| { type: 'ID_SIDE_CAPTURED'; side: IdSide; at: number }
	| { type: 'LIVENESS_PASSED'; at: number }
	| { type: 'LIVENESS_FAILED'; reason: string; at: number }
	/** The live face does not match the ID portrait (checked once liveness passed). */
	| { type: 'FACE_MISMATCH'; similarity?: number; at: number }
	/** Counted against the daily upload limit before the photo is checked. */
	| { type: 'PHOTO_UPLOADED'; at: number }
	| { type: 'PHOTO_ACCEPTED'; at: number }
	| { type: 'PHOTO_REJECTED'; cause: 'noncompliant' | 'mismatch'; reason?: string; at: number }
	/** The live face is not the face on the accepted photo (policies comparing the photo with the live face). */
	| { type: 'PHOTO_MISMATCH'; similarity?: number; at: number }
	| { type: 'SIGNATURE_SAVED'; at: number }
	| { type: 'SUBMIT'; at: number }
	| { type: 'SUBMIT_QUEUED'; at: number }
	| { type: 'SUBMIT_SUCCEEDED'; admissionNumber?: string; smsSent: boolean; at: number }
	/**
	 * The server's last check cleared a recorded confirmation (or a reviewer confirmed a held one): the admission
	 * number comes with it, and the province's SMS is on its way.
	 */
	| { type: 'OUTCOME_SETTLED'; admissionNumber: string; smsSent: boolean; at: number }
	/** The server's re-check or the ministry identity check (Beijing 公安部身份认证) refused the submission. */
	| {
			type: 'SUBMIT_REJECTED';
			kind: 'identity_check' | 'face_match' | 'liveness';
			reason: string;
			at: number;
	  }
	/**
	 * The server refused the submission outright (a 4xx, nothing recorded): `reason` is its code, `message` its own
	 * explanation; what happens next is the code's remedy (refusal.ts).
	 */
	| {
			type: 'SUBMIT_REJECTED';
			kind: 'refused';
			reason: string;
			message: Text;
			at: number;
	  }
	/** The server counted a reported failure (or refused one because the attempts are used up). */
	| { type: 'SERVER_COUNT'; failures: number; exhausted: readonly ExhaustedOutcome[] | null; at: number }
	| { type: 'RETRY'; step?: FlowStep; at: number }
	| { type: 'REQUEST_MANUAL_REVIEW'; at: number };

/**
 * What a transition asks the outside world to do; the phone session carries these out (signing, queueing,
 * sending), so which events lead to a report or a submission is decided here and nowhere else.
 */
export type FlowEffect =
	/** A failure the phone found: signed with the step's result and queued for the server to count. */
	| { type: 'report_failure'; failure: FailureRecord }
	/** Consent to these document versions: signed and sent, so the server records what was accepted. */
	| { type: 'record_consent'; versions: DocumentVersions }
	/** Manual review was asked for: signed and sent once the queued failure reports are on the server. */
	| { type: 'request_review' }
	/** Sign the bundle and send it (or queue it until the network is back). */
	| { type: 'submit' }
	/** The signed bundle is not to be sent again: a redone step signs a new one. */
	| { type: 'discard_submission' };

export interface FlowStepResult {
	state: FlowState;
	effects: FlowEffect[];
}
