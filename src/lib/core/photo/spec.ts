// What a registration photo must be. Province policies import `hubeiPhotoSpec` and override what differs;
// the checks and the processing read every limit from here, never from constants of their own.
import { FACE_MATCH } from '../face/match.ts';
import type { Text } from '../text.ts';

export type Rgb = readonly [number, number, number];

/** A background colour; its words (e.g. 蓝 / blue) name it in messages. */
export interface BackgroundSpec extends Text {
	/** Colour the output photo's background is filled with. */
	fill: Rgb;
	/**
	 * Accepted colours as an HSV window: "blue" in the guides is a family of shades (studio azure (3,163,251),
	 * the common 证件照 blue (67,142,219)), not one value, so a hue band with floors on saturation and value
	 * says what a person would call blue.
	 */
	hueMin: number;
	hueMax: number;
	minSaturation: number;
	minValue: number;
	/** Largest spread (mean CIE76 delta-E from the background's mean colour) still called uniform. */
	maxDeltaE: number;
	/** Least share of the sampled background that must fall inside the colour window. */
	minInsideShare: number;
}

export interface HeadSpec {
	/** Chin-to-crown distance as a share of the photo height (ISO/IEC 19794-5 style "head height"). */
	chinToCrownMin: number;
	chinToCrownMax: number;
	/** Gap between the top of the photo and the crown, as a share of the photo height. */
	crownMarginMin: number;
	crownMarginMax: number;
	/** Horizontal offset of the face centre from the photo centre, as a share of the photo width. */
	maxCentreOffset: number;
	/** Where the processing puts the head: chin-to-crown and crown margin it aims at. */
	targetChinToCrown: number;
	targetCrownMargin: number;
}

export interface PoseSpec {
	maxYaw: number;
	maxPitch: number;
	maxRoll: number;
	/**
	 * Pitch from landmarks: (subnasale - eye line) / (chin - eye line). Frontal faces on the fixtures measure
	 * 0.38-0.50; looking up shortens the nose-to-eye span on the photo, looking down lengthens it.
	 */
	minNoseChinRatio: number;
	maxNoseChinRatio: number;
}

export interface LightSpec {
	/** Mean face luma (0..255) window. */
	minMean: number;
	maxMean: number;
	/** Least spread between the 2nd and 98th luma percentiles of the face. */
	minDynamicRange: number;
	/** Least ratio darker half / brighter half of the face (left vs right), 1 = even. */
	minEvenness: number;
}

export interface FileSpec {
	/** Only JPEG is accepted by the provinces' upload forms. */
	format: 'jpeg';
	width: number;
	height: number;
	dpi: number;
	minBytes: number;
	maxBytes: number;
}

/**
 * What a photo is for. A registration photo is a print the office keeps: its file, backdrop and framing are rules
 * of the print. A live still is a frame of the face capture sent as evidence of the face (Fujian): only the face
 * must be judgeable, wherever the candidate stands and whatever is behind them.
 */
export type PhotoPurpose = 'registration' | 'live_still';

/** The rule groups that depend on a photo's purpose; every other rule (one face, in frame, frontal, eyes open,
 * mouth closed, sharp, evenly lit, JPEG in its pixel size and byte window, upright) applies to both. */
export interface PurposeRules {
	/** The file's dpi field (a print's density). */
	density: boolean;
	/** A plain backdrop of the spec's colour. */
	backdrop: boolean;
	/** Head height, crown margin and centring as a print frames them. */
	framing: boolean;
}

/** Which rules judge a photo of each purpose: the one place that decides it (checks, file checks, re-check). */
export const PURPOSE_RULES: Readonly<Record<PhotoPurpose, PurposeRules>> = {
	registration: { density: true, backdrop: true, framing: true },
	live_still: { density: false, backdrop: false, framing: false }
};

export const rulesOf = (spec: PhotoSpec): PurposeRules => PURPOSE_RULES[spec.purpose];

export interface PhotoSpec {
	id: string;
	purpose: PhotoPurpose;
	file: FileSpec;
	background: BackgroundSpec;
	head: HeadSpec;
	pose: PoseSpec;
	light: LightSpec;
	/** Per-eye aspect ratio floor from the landmarks (open eyes measure ~0.2-0.35, closed < 0.15). */
	minEyeAspectRatio: number;
	/** Per-eye openness floor (FaceMeasurement.eyeOpenness), used only when no landmarks were measured. */
	minEyeOpenness: number;
	/** Lip gap over mouth width ceiling (FaceMeasurement.mouthOpenness). */
	maxMouthOpenness: number;
	/** Variance of the Laplacian of the face normalised to 128 px wide (see quality.ts). */
	minSharpness: number;
	/** Least face-vs-ID cosine similarity; the face engine calibrates it (FACE_MATCH in core/face/match.ts). */
	minFaceMatch: number;
}

/**
 * Hubei's 电子证件照: 免冠蓝底, 480x640 px, 300 dpi, JPG, "压缩后文件大小一般在20KB至40KB" (附件3, 考生注册与身份确认流程).
 * The guide does not say whether KB means 1000 or 1024 bytes. We take the reading that satisfies both: at least
 * 20 KiB = 20,480 bytes (what Windows shows as "20 KB") and at most 40 kB = 40,000 bytes (under 40 KB in either
 * unit), so a file we make or accept is inside the range whichever way the province's reviewer counts.
 */
export const hubeiPhotoSpec: PhotoSpec = {
	id: 'hubei-2020',
	purpose: 'registration',
	file: { format: 'jpeg', width: 480, height: 640, dpi: 300, minBytes: 20 * 1024, maxBytes: 40 * 1000 },
	background: {
		zh: '蓝色',
		en: 'blue',
		fill: [67, 142, 219],
		hueMin: 190,
		hueMax: 240,
		minSaturation: 0.35,
		minValue: 0.35,
		maxDeltaE: 8,
		minInsideShare: 0.9
	},
	head: {
		chinToCrownMin: 0.4,
		chinToCrownMax: 0.75,
		crownMarginMin: 0.03,
		crownMarginMax: 0.2,
		maxCentreOffset: 0.08,
		targetChinToCrown: 0.55,
		targetCrownMargin: 0.1
	},
	pose: { maxYaw: 12, maxPitch: 15, maxRoll: 8, minNoseChinRatio: 0.33, maxNoseChinRatio: 0.56 },
	light: { minMean: 70, maxMean: 210, minDynamicRange: 60, minEvenness: 0.6 },
	minEyeAspectRatio: 0.16,
	minEyeOpenness: 0.35,
	maxMouthOpenness: 0.25,
	minSharpness: 15,
	minFaceMatch: FACE_MATCH.match
};

/**
 * The live still: one frame of the face capture, cut to the centre 3:4 of the camera picture and scaled to 480x640
 * (the oval guide keeps the face there), a JPEG of a size a phone's canvas encoder makes. Face rules as for the
 * registration photo; backdrop, framing and density do not apply (PURPOSE_RULES).
 */
export const liveStillSpec: PhotoSpec = {
	...hubeiPhotoSpec,
	id: 'live-still',
	purpose: 'live_still',
	// dpi is not judged for a live still (PURPOSE_RULES.live_still.density).
	file: { format: 'jpeg', width: 480, height: 640, dpi: 72, minBytes: 8 * 1024, maxBytes: 400_000 }
};
