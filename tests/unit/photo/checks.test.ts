import { describe, expect, it } from 'vitest';
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import { createImage, type RgbaImage } from '../../../src/lib/core/image/types.ts';
import {
	checkBackground,
	checkEyes,
	checkFaceCount,
	checkFaceMatch,
	checkHeadPosition,
	checkMouth,
	checkPhotoContent,
	checkPose,
	checkQuality
} from '../../../src/lib/core/photo/checks.ts';
import { backgroundStats, backgroundZones } from '../../../src/lib/core/photo/background.ts';
import { hubeiPhotoSpec as spec, liveStillSpec } from '../../../src/lib/core/photo/spec.ts';

const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);

/** A frontal face measurement on a 480x640 photo; tests change one thing at a time. */
function face(over: Partial<FaceMeasurement> = {}): FaceMeasurement {
	return {
		t: 0,
		faceCount: 1,
		face: { box: { x: 160, y: 180, width: 160, height: 200 }, score: 0.99 },
		pose: { yaw: 2, pitch: -3, roll: 1 },
		eyeOpenness: { left: 0.8, right: 0.75 },
		mouthOpenness: 0.05,
		...over
	};
}

function filled(w: number, h: number, rgb: [number, number, number]): RgbaImage {
	const img = createImage(w, h);
	for (let i = 0; i < w * h; i++) img.data.set([...rgb, 255], i * 4);
	return img;
}

describe('content checks', () => {
	it('face count: none and several are refused with their own codes', () => {
		expect(codes(checkFaceCount(face()))).toEqual([]);
		expect(codes(checkFaceCount(face({ faceCount: 0, face: null })))).toEqual(['FACE_NONE']);
		const two = checkFaceCount(face({ faceCount: 2 }));
		expect(codes(two)).toEqual(['FACE_MULTIPLE']);
		expect(two.reasons[0].zh).toContain('2');
	});

	it('pose limits come from the spec', () => {
		expect(codes(checkPose(face(), spec))).toEqual([]);
		const turned = checkPose(face({ pose: { yaw: 25, pitch: 0, roll: 0 } }), spec);
		expect(codes(turned)).toEqual(['POSE_NOT_FRONTAL']);
		expect(turned.measures.yaw).toBe(25);
		expect(codes(checkPose(face({ pose: { yaw: 0, pitch: 0, roll: -12 } }), spec))).toEqual([
			'POSE_NOT_FRONTAL'
		]);
		const lax = { ...spec, pose: { ...spec.pose, maxYaw: 30, maxPitch: 30, maxRoll: 30 } };
		expect(codes(checkPose(face({ pose: { yaw: 25, pitch: 0, roll: 0 } }), lax))).toEqual([]);
	});

	it('eyes and mouth', () => {
		expect(codes(checkEyes(face({ eyeOpenness: { left: 0.1, right: 0.8 } }), spec))).toEqual(['EYES_CLOSED']);
		expect(codes(checkMouth(face({ mouthOpenness: 0.5 }), spec))).toEqual(['MOUTH_OPEN']);
		expect(codes(checkMouth(face(), spec))).toEqual([]);
	});

	it('head size, crown margin and centring', () => {
		const ok = { chinY: 420, crownY: 64, eyeY: 250, centreX: 240, crownFrom: 'silhouette' as const };
		expect(codes(checkHeadPosition(ok, 480, 640, spec))).toEqual([]);
		expect(codes(checkHeadPosition({ ...ok, crownY: 300 }, 480, 640, spec))).toContain('HEAD_TOO_SMALL');
		expect(codes(checkHeadPosition({ ...ok, crownY: 5, chinY: 600 }, 480, 640, spec))).toEqual([
			'HEAD_TOO_LARGE',
			'HEAD_TOO_HIGH'
		]);
		expect(codes(checkHeadPosition({ ...ok, centreX: 330 }, 480, 640, spec))).toEqual(['HEAD_NOT_CENTRED']);
	});

	it('quality: blur, exposure, contrast and evenness each have a reason', () => {
		const good = { sharpness: 120, meanLuma: 140, dynamicRange: 120, evenness: 0.9 };
		expect(codes(checkQuality(good, spec))).toEqual([]);
		expect(codes(checkQuality({ ...good, sharpness: 3 }, spec))).toEqual(['IMAGE_BLURRY']);
		expect(codes(checkQuality({ ...good, meanLuma: 30 }, spec))).toEqual(['IMAGE_TOO_DARK']);
		expect(codes(checkQuality({ ...good, meanLuma: 240 }, spec))).toEqual(['IMAGE_TOO_BRIGHT']);
		expect(codes(checkQuality({ ...good, dynamicRange: 20 }, spec))).toEqual(['IMAGE_LOW_CONTRAST']);
		expect(codes(checkQuality({ ...good, evenness: 0.3 }, spec))).toEqual(['LIGHT_UNEVEN']);
	});

	it('background colour and uniformity are measured on the background zones', () => {
		const zones = backgroundZones(120, 160, null);
		const blue = backgroundStats(filled(120, 160, [3, 163, 251]), zones, spec.background);
		expect(codes(checkBackground(blue, spec))).toEqual([]);
		const stdBlue = backgroundStats(filled(120, 160, [67, 142, 219]), zones, spec.background);
		expect(codes(checkBackground(stdBlue, spec))).toEqual([]);
		const grey = backgroundStats(filled(120, 160, [210, 212, 212]), zones, spec.background);
		expect(codes(checkBackground(grey, spec))).toEqual(['BACKGROUND_WRONG_COLOUR']);
		// stripes of blue and white: not uniform, and half outside the colour window
		const striped = filled(120, 160, [3, 163, 251]);
		for (let y = 0; y < 160; y++)
			for (let x = 0; x < 120; x += 2) striped.data.set([250, 250, 250], (y * 120 + x) * 4);
		const s = backgroundStats(striped, zones, spec.background, 1);
		expect(codes(checkBackground(s, spec))).toEqual(['BACKGROUND_NOT_UNIFORM', 'BACKGROUND_WRONG_COLOUR']);
	});

	it('face match is only judged when given', () => {
		expect(codes(checkFaceMatch(0.2, spec))).toEqual(['FACE_MISMATCH']);
		expect(codes(checkFaceMatch(0.8, spec))).toEqual([]);
	});

	it('a photo with no face is refused for that and still reports its background', () => {
		const v = checkPhotoContent(filled(480, 640, [3, 163, 251]), face({ faceCount: 0, face: null }), spec);
		expect(v.ok).toBe(false);
		expect(codes(v)).toEqual(['FACE_NONE']);
		expect(v.measures.backgroundB).toBe(251);
	});

	it('a live still is judged as a face only: no backdrop or framing rule, every face rule', () => {
		// A grey room behind a small, off-centre head: a registration photo fails for both, a live still for neither.
		const room = filled(480, 640, [128, 128, 128]);
		const small = face({ face: { box: { x: 90, y: 250, width: 110, height: 140 }, score: 0.99 } });
		const asRegistration = codes(checkPhotoContent(room, small, spec));
		expect(asRegistration).toContain('BACKGROUND_WRONG_COLOUR');
		expect(asRegistration).toContain('HEAD_TOO_SMALL');
		const asStill = codes(checkPhotoContent(room, small, liveStillSpec));
		expect(asStill.filter((c) => c.startsWith('BACKGROUND') || c.startsWith('HEAD'))).toEqual([]);
		// The face rules still apply: closed eyes, a turned head, an open mouth, several faces, none.
		const closed = face({ eyeOpenness: { left: 0.1, right: 0.1 } });
		expect(codes(checkPhotoContent(room, closed, liveStillSpec))).toContain('EYES_CLOSED');
		const turned = face({ pose: { yaw: 28, pitch: 0, roll: 0 } });
		expect(codes(checkPhotoContent(room, turned, liveStillSpec))).toContain('POSE_NOT_FRONTAL');
		expect(codes(checkPhotoContent(room, face({ mouthOpenness: 0.6 }), liveStillSpec))).toContain(
			'MOUTH_OPEN'
		);
		expect(codes(checkPhotoContent(room, face({ faceCount: 2 }), liveStillSpec))).toEqual(['FACE_MULTIPLE']);
		expect(codes(checkPhotoContent(room, face({ faceCount: 0, face: null }), liveStillSpec))).toEqual([
			'FACE_NONE'
		]);
	});
});
