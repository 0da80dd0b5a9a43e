// Compliance checks of a registration photo's content. Each is a pure function of measurements and the spec,
// returning the reasons it raises (none = pass) and the measures it judged, so each is testable on its own.
import type { FaceMeasurement } from '../face/types.ts';
import type { RgbaImage } from '../image/types.ts';
import { backgroundStats, backgroundZones, isBackgroundColour, type BackgroundStats } from './background.ts';
import { headGeometry, type HeadGeometry } from './head.ts';
import { eyeAspectRatios, landmarkRoll, landmarkYaw, noseChinRatio } from './landmark-measures.ts';
import { measureFaceQuality, type FaceQuality } from './quality.ts';
import { combine, reason, round, type CheckOutcome, type PhotoVerdict } from './reasons.ts';
import { rulesOf, type PhotoSpec } from './spec.ts';

const pass = (measures: CheckOutcome['measures']): CheckOutcome => ({ reasons: [], measures });

export function checkFaceCount(m: FaceMeasurement): CheckOutcome {
	const measures = { faceCount: m.faceCount };
	if (m.faceCount === 0 || !m.face)
		return {
			reasons: [reason('FACE_NONE', '照片中未检测到人脸', 'No face was found in the photo')],
			measures
		};
	if (m.faceCount > 1)
		return {
			reasons: [
				reason(
					'FACE_MULTIPLE',
					`照片中有 ${m.faceCount} 张人脸，只能有本人一人`,
					`The photo shows ${m.faceCount} faces; only the candidate may appear`
				)
			],
			measures
		};
	return pass(measures);
}

/**
 * With 68 landmarks, yaw, roll and pitch all come from landmark geometry (see landmark-measures.ts for why the
 * pose model is not trusted for the photo); the model's angles are reported beside them. Without landmarks the
 * model's angles are judged.
 */
/**
 * A face box reaching the frame's side or top edge means part of the head is outside the picture; no framing can
 * bring it back (the output would show a straight cut through the head).
 */
export function checkFaceInFrame(m: FaceMeasurement, width: number, height: number): CheckOutcome {
	if (!m.face) return pass({});
	const b = m.face.box;
	const margin = Math.max(1, Math.round(Math.min(width, height) * 0.005));
	const cut =
		b.x <= margin || b.y <= margin || b.x + b.width >= width - margin || b.y + b.height >= height - margin;
	const measures = { faceInFrame: !cut };
	if (!cut) return pass(measures);
	return {
		reasons: [
			reason(
				'FACE_CUT_OFF',
				'人脸被画面边缘裁切，请让整个头部位于画面内',
				'The face is cut off by the edge of the picture; keep the whole head in frame'
			)
		],
		measures
	};
}

export function checkPose(m: FaceMeasurement, spec: PhotoSpec): CheckOutcome {
	const lm = m.landmarks && m.landmarks.length === 68 ? m.landmarks : null;
	const model = m.pose;
	const limits = spec.pose;
	const modelMeasures = {
		modelYaw: model ? round(model.yaw, 1) : null,
		modelPitch: model ? round(model.pitch, 1) : null,
		modelRoll: model ? round(model.roll, 1) : null
	};
	const off: string[] = [];
	let measures: CheckOutcome['measures'];
	if (lm) {
		const yaw = landmarkYaw(lm);
		const roll = landmarkRoll(lm);
		const ratio = noseChinRatio(lm);
		measures = {
			yaw: round(yaw, 1),
			roll: round(roll, 1),
			noseChinRatio: round(ratio),
			poseFrom: 'landmarks',
			...modelMeasures
		};
		if (Math.abs(yaw) > limits.maxYaw) off.push(`yaw ${round(yaw, 1)}° (≤ ${limits.maxYaw}°)`);
		if (Math.abs(roll) > limits.maxRoll) off.push(`roll ${round(roll, 1)}° (≤ ${limits.maxRoll}°)`);
		if (ratio < limits.minNoseChinRatio || ratio > limits.maxNoseChinRatio)
			off.push(`pitch: nose/chin ${round(ratio, 2)} (${limits.minNoseChinRatio}-${limits.maxNoseChinRatio})`);
	} else if (model) {
		measures = {
			yaw: modelMeasures.modelYaw,
			roll: modelMeasures.modelRoll,
			pitch: modelMeasures.modelPitch,
			poseFrom: 'model'
		};
		if (Math.abs(model.yaw) > limits.maxYaw) off.push(`yaw ${round(model.yaw, 1)}° (≤ ${limits.maxYaw}°)`);
		if (Math.abs(model.pitch) > limits.maxPitch)
			off.push(`pitch ${round(model.pitch, 1)}° (≤ ${limits.maxPitch}°)`);
		if (Math.abs(model.roll) > limits.maxRoll)
			off.push(`roll ${round(model.roll, 1)}° (≤ ${limits.maxRoll}°)`);
	} else return pass({ yaw: null, roll: null, pitch: null, poseFrom: null });
	if (off.length === 0) return pass(measures);
	return {
		reasons: [
			reason(
				'POSE_NOT_FRONTAL',
				`请正对镜头、头部摆正（${off.join('，')}）`,
				`Face the camera with the head straight (${off.join(', ')})`
			)
		],
		measures
	};
}

export function checkEyes(m: FaceMeasurement, spec: PhotoSpec): CheckOutcome {
	if (m.landmarks && m.landmarks.length === 68) {
		const ear = eyeAspectRatios(m.landmarks);
		const measures = {
			eyeAspectRatioImageLeft: round(ear.imageLeft),
			eyeAspectRatioImageRight: round(ear.imageRight)
		};
		if (Math.min(ear.imageLeft, ear.imageRight) >= spec.minEyeAspectRatio) return pass(measures);
		return { reasons: [reason('EYES_CLOSED', '请睁开双眼', 'Keep both eyes open')], measures };
	}
	const e = m.eyeOpenness;
	if (!e) return pass({ eyeOpennessLeft: null, eyeOpennessRight: null });
	const measures = { eyeOpennessLeft: round(e.left), eyeOpennessRight: round(e.right) };
	if (Math.min(e.left, e.right) >= spec.minEyeOpenness) return pass(measures);
	return {
		reasons: [reason('EYES_CLOSED', '请睁开双眼', 'Keep both eyes open')],
		measures
	};
}

export function checkMouth(m: FaceMeasurement, spec: PhotoSpec): CheckOutcome {
	if (m.mouthOpenness === undefined) return pass({ mouthOpenness: null });
	const measures = { mouthOpenness: round(m.mouthOpenness) };
	if (m.mouthOpenness <= spec.maxMouthOpenness) return pass(measures);
	return { reasons: [reason('MOUTH_OPEN', '请闭上嘴巴', 'Keep the mouth closed')], measures };
}

/** Head height, crown margin and centring as shares of the photo, as ISO/IEC 19794-5 frames them. */
export function checkHeadPosition(
	g: HeadGeometry,
	width: number,
	height: number,
	spec: PhotoSpec
): CheckOutcome {
	const h = spec.head;
	const chinToCrown = (g.chinY - g.crownY) / height;
	const crownMargin = g.crownY / height;
	const centreOffset = (g.centreX - width / 2) / width;
	const measures = {
		chinToCrownRatio: round(chinToCrown),
		crownMarginRatio: round(crownMargin),
		centreOffsetRatio: round(centreOffset),
		crownFrom: g.crownFrom
	};
	const reasons = [];
	if (chinToCrown < h.chinToCrownMin)
		reasons.push(
			reason(
				'HEAD_TOO_SMALL',
				`头部太小（占照片高度 ${Math.round(chinToCrown * 100)}%，应为 ${h.chinToCrownMin * 100}%–${h.chinToCrownMax * 100}%），请靠近一些`,
				`The head is too small (${Math.round(chinToCrown * 100)}% of the height, needs ${h.chinToCrownMin * 100}-${h.chinToCrownMax * 100}%); move closer`
			)
		);
	else if (chinToCrown > h.chinToCrownMax)
		reasons.push(
			reason(
				'HEAD_TOO_LARGE',
				`头部太大（占照片高度 ${Math.round(chinToCrown * 100)}%，应为 ${h.chinToCrownMin * 100}%–${h.chinToCrownMax * 100}%），请离远一些`,
				`The head is too large (${Math.round(chinToCrown * 100)}% of the height, needs ${h.chinToCrownMin * 100}-${h.chinToCrownMax * 100}%); move back`
			)
		);
	if (crownMargin < h.crownMarginMin)
		reasons.push(
			reason(
				'HEAD_TOO_HIGH',
				'头顶离照片上边缘太近或被裁切',
				'The top of the head is too close to the top edge or cut off'
			)
		);
	else if (crownMargin > h.crownMarginMax)
		reasons.push(
			reason(
				'HEAD_TOO_LOW',
				'头顶上方空白太多，头部位置偏低',
				'Too much space above the head; the head sits too low'
			)
		);
	if (Math.abs(centreOffset) > h.maxCentreOffset)
		reasons.push(
			reason(
				'HEAD_NOT_CENTRED',
				'头部未居中，请位于画面正中',
				'The head is not centred; stand in the middle of the frame'
			)
		);
	return { reasons, measures };
}

export function checkQuality(q: FaceQuality, spec: PhotoSpec): CheckOutcome {
	const l = spec.light;
	const measures = {
		sharpness: round(q.sharpness, 1),
		faceMeanLuma: round(q.meanLuma, 1),
		faceDynamicRange: round(q.dynamicRange, 1),
		lightEvenness: round(q.evenness)
	};
	const reasons = [];
	if (q.sharpness < spec.minSharpness)
		reasons.push(
			reason(
				'IMAGE_BLURRY',
				'照片模糊，请对焦并保持手机稳定',
				'The photo is blurred; focus and hold the phone still'
			)
		);
	if (q.meanLuma < l.minMean)
		reasons.push(
			reason(
				'IMAGE_TOO_DARK',
				'面部太暗，请在光线充足处拍摄',
				'The face is too dark; take the photo in good light'
			)
		);
	else if (q.meanLuma > l.maxMean)
		reasons.push(
			reason(
				'IMAGE_TOO_BRIGHT',
				'面部过曝，请避免强光直射',
				'The face is overexposed; avoid strong direct light'
			)
		);
	if (q.dynamicRange < l.minDynamicRange)
		reasons.push(
			reason(
				'IMAGE_LOW_CONTRAST',
				'面部对比度太低（发灰或雾化）',
				'The face has too little contrast (washed out)'
			)
		);
	if (q.evenness < l.minEvenness)
		reasons.push(
			reason(
				'LIGHT_UNEVEN',
				'面部光线不均匀（一侧偏暗），请正面均匀照明',
				'Uneven light on the face (one side dark); light it evenly from the front'
			)
		);
	return { reasons, measures };
}

export function checkBackground(s: BackgroundStats, spec: PhotoSpec): CheckOutcome {
	const bg = spec.background;
	const measures = {
		backgroundR: Math.round(s.meanRgb[0]),
		backgroundG: Math.round(s.meanRgb[1]),
		backgroundB: Math.round(s.meanRgb[2]),
		backgroundHue: round(s.meanHsv.h, 1),
		backgroundSpreadDeltaE: round(s.spreadDeltaE, 2),
		backgroundInsideShare: round(s.insideShare)
	};
	const reasons = [];
	if (s.spreadDeltaE > bg.maxDeltaE)
		reasons.push(
			reason(
				'BACKGROUND_NOT_UNIFORM',
				'背景不是纯色，请在单色背景前拍摄',
				'The background is not plain; use a single-colour backdrop'
			)
		);
	if (s.insideShare < bg.minInsideShare)
		reasons.push(
			reason(
				'BACKGROUND_WRONG_COLOUR',
				`背景颜色不符合要求，应为${bg.zh}`,
				`The background colour is wrong; it must be ${bg.en}`
			)
		);
	return { reasons, measures };
}

/** Face-vs-ID similarity comes from the face engine (calibrated there); the spec holds the floor. */
export function checkFaceMatch(similarity: number, spec: PhotoSpec): CheckOutcome {
	const measures = { faceMatch: round(similarity) };
	if (similarity >= spec.minFaceMatch) return pass(measures);
	return {
		reasons: [
			reason('FACE_MISMATCH', '照片与身份证人像不是同一人', 'The photo does not match the ID card portrait')
		],
		measures
	};
}

/** Person = not the spec's background colour: a silhouette that is right on a compliant backdrop. */
export function colourForeground(image: RgbaImage, spec: PhotoSpec): (x: number, y: number) => boolean {
	const d = image.data;
	return (x, y) => {
		const i = (y * image.width + x) * 4;
		return !isBackgroundColour(d[i], d[i + 1], d[i + 2], spec.background);
	};
}

export interface ContentCheckOptions {
	/** Face-vs-ID similarity from the face engine, when the ID portrait is known. */
	faceMatch?: number;
	/** Person test from segmentation when it ran; otherwise the spec's colour window stands in. */
	isPerson?: (x: number, y: number) => boolean;
}

/** Runs every content check on a decoded photo and its face measurement. */
export function checkPhotoContent(
	image: RgbaImage,
	m: FaceMeasurement,
	spec: PhotoSpec,
	options: ContentCheckOptions = {}
): PhotoVerdict {
	const count = checkFaceCount(m);
	const outcomes: CheckOutcome[] = [count];
	// With several faces the background zones cannot be placed around "the" head: the count is the reason.
	if (m.faceCount > 1) return combine(outcomes);
	const face = m.faceCount === 1 ? m.face : null;
	const rules = rulesOf(spec);
	const rough = face ? headGeometry(m, image.width) : null;
	let colourOk = false;
	if (rules.backdrop) {
		const zones = backgroundZones(image.width, image.height, face?.box ?? null, rough?.eyeY);
		const background = checkBackground(backgroundStats(image, zones, spec.background), spec);
		outcomes.push(background);
		colourOk = !background.reasons.some((r) => r.code === 'BACKGROUND_WRONG_COLOUR');
	}
	if (face && rough) {
		outcomes.push(
			checkFaceInFrame(m, image.width, image.height),
			checkPose(m, spec),
			checkEyes(m, spec),
			checkMouth(m, spec)
		);
		if (rules.framing) {
			// The backdrop colour outlines the head only when the backdrop is the spec's colour.
			const isPerson = options.isPerson ?? (colourOk ? colourForeground(image, spec) : undefined);
			const geometry = isPerson ? (headGeometry(m, image.width, isPerson) ?? rough) : rough;
			outcomes.push(checkHeadPosition(geometry, image.width, image.height, spec));
		}
		outcomes.push(checkQuality(measureFaceQuality(image, face.box), spec));
	}
	if (options.faceMatch !== undefined) outcomes.push(checkFaceMatch(options.faceMatch, spec));
	return combine(outcomes);
}
