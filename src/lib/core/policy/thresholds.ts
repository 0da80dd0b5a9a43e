// Decision thresholds shared by the province policies, each next to the false-accept rate it was calibrated for.
import { FACE_MATCH } from '../face/match.ts';
import { hubeiPhotoSpec, liveStillSpec } from '../photo/spec.ts';
import type { Threshold, Thresholds } from './types.ts';

export const DEFAULT_THRESHOLDS: Thresholds = {
	// Calibrated by the face engine (src/lib/core/face/match.ts): 0 false accepts over the 276 impostor pairs of
	// fixtures/faces/pairs.csv, i.e. FAR < 1/276 (~0.36 %) on that small set.
	faceMatch: {
		value: FACE_MATCH.match,
		falseAcceptRate: 1 / FACE_MATCH.calibration.impostorPairs,
		calibratedOn: `${FACE_MATCH.calibration.dataset} (${FACE_MATCH.calibration.targetFar})`,
		placeholder: false
	},
	// PLACEHOLDER: the face engine does not export a calibrated anti-spoof threshold yet; 0.5 is the model's own
	// decision boundary (softmax live class), not a measured operating point. The FAR figure is a target, not a result.
	antiSpoof: { value: 0.5, falseAcceptRate: 0.05, calibratedOn: 'placeholder', placeholder: true }
};

/**
 * The identity authority's match point, on its own similarity scale (0..1, the wire format's range). PLACEHOLDER: the
 * value and its false-accept rate are the operating point the exam office agrees with the authority's operator
 * (each such service publishes its own); 0.8 is a conservative stand-in, not a measurement. In development and tests
 * the simulator answers on this scale (src/lib/server/authority/scale.ts), so it decides as our calibrated model would.
 */
export const AUTHORITY_MATCH: Threshold = {
	value: 0.8,
	falseAcceptRate: 0.0001,
	calibratedOn: "placeholder: the identity authority's published operating point",
	placeholder: true
};

/**
 * 免冠蓝底，480像素×640像素，分辨率300dpi，20KB至40KB，JPG (Hubei guide 001, 三、身份确认 1.网上验证). The photo engine
 * owns the full spec (file, background colour, head framing, pose, light); policies point at it.
 */
export const BLUE_REGISTRATION_PHOTO = hubeiPhotoSpec;

/** A frame of the face capture sent as evidence of the face (Fujian): the photo engine's face rules only. */
export const LIVE_STILL = liveStillSpec;
