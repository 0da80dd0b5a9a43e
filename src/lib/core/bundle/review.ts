// Bundles that verify and pass but must not be confirmed automatically: a person looks at them first.
import { reason, type Reason } from '../idcard/reasons.ts';
import { isRecaptureCode } from '../idcard/recapture.ts';
import { MOTION_PROBE_ENGINE } from '../flow/liveness-result.ts';
import { COLOUR_SKIPPED_REVIEW, colourSkipOf } from '../liveness/colour-support.ts';
import type { BundlePayload } from './schema.ts';

/** The one message shape of every reason (code, zh-CN, English). */
export type ReviewReason = Reason;

/**
 * The liveness step names the engine that decided it, and carries the live face's similarity to the ID portrait. 'motion-probe' is the phone's fallback when the face models
 * could not load: it only measures that the picture moves, which a replayed video also does, so its "passed" is
 * not enough for an automatic confirmation.
 */
export function manualReviewReasons(payload: BundlePayload): ReviewReason[] {
	const reasons: ReviewReason[] = [];
	const liveness = payload.steps.find((s) => s.kind === 'liveness');
	if (liveness?.passed && liveness.details?.engine === MOTION_PROBE_ENGINE) {
		reasons.push(
			reason(
				'liveness_fallback',
				'手机未能加载人脸模型，活体检测仅测了画面运动，需人工审核',
				'The phone could not load the face models; liveness measured only motion, so a person must review it'
			)
		);
	}
	// The live face against the card portrait is what stops a stand-in (枪手) holding the candidate's card: when the
	// phone could not compare them (no face found on the card crop or in the live frame), a person does.
	if (liveness?.passed && typeof liveness.scores?.idPortraitSimilarity !== 'number') {
		reasons.push(
			reason(
				'face_not_compared',
				'未能在手机上比对本人与身份证照片，需人工审核',
				'The live face could not be compared with the ID card portrait on the phone; a person must review it'
			)
		);
	}
	// The phone saw a screen, a photocopy or a print instead of the card: someone else's card shown from a picture
	// is exactly what a stand-in would bring, so a person looks (the candidate was not blocked).
	const idcard = payload.steps.find((s) => s.kind === 'idcard');
	const recaptured = (idcard?.reasons ?? []).filter(isRecaptureCode);
	if (recaptured.length) {
		reasons.push(
			reason(
				'idcard_recapture',
				`手机提示证件可能是翻拍件（${recaptured.map((c) => c.slice('capture.recapture.'.length)).join('、')}），需人工审核`,
				`The phone warned that the ID card may be a recapture (${recaptured.map((c) => c.slice('capture.recapture.'.length)).join(', ')}); a person must review it`
			)
		);
	}
	// A phone that says it could not run the colour challenge may be a modified one (core/liveness/colour-support.ts).
	if (liveness?.passed && colourSkipOf(payload))
		reasons.push(reason('colour_skipped', COLOUR_SKIPPED_REVIEW.zh, COLOUR_SKIPPED_REVIEW.en));
	return reasons;
}
