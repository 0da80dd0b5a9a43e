// Bundles that verify and pass but must not be confirmed automatically: a person looks at them first.
import type { BundlePayload } from './schema.ts';

export interface ReviewReason {
	code: string;
	zh: string;
	en: string;
}

/**
 * The liveness step names the engine that decided it, and carries the live face's similarity to the ID portrait. 'motion-probe' is the phone's fallback when the face models
 * could not load: it only measures that the picture moves, which a replayed video also does, so its "passed" is
 * not enough for an automatic confirmation.
 */
export function manualReviewReasons(payload: BundlePayload): ReviewReason[] {
	const reasons: ReviewReason[] = [];
	const liveness = payload.steps.find((s) => s.kind === 'liveness');
	if (liveness?.passed && liveness.details?.engine === 'motion-probe') {
		reasons.push({
			code: 'liveness_fallback',
			zh: '手机未能加载人脸模型，活体检测仅测了画面运动，需人工审核',
			en: 'The phone could not load the face models; liveness measured only motion, so a person must review it'
		});
	}
	// The live face against the card portrait is what stops a stand-in (枪手) holding the candidate's card: when the
	// phone could not compare them (no face found on the card crop or in the live frame), a person does.
	if (liveness?.passed && typeof liveness.scores?.idPortraitSimilarity !== 'number') {
		reasons.push({
			code: 'face_not_compared',
			zh: '未能在手机上比对本人与身份证照片，需人工审核',
			en: 'The live face could not be compared with the ID card portrait on the phone; a person must review it'
		});
	}
	return reasons;
}
