// 2-D face geometry from the five keypoints, expressed in the face's own frame (origin between the eyes, x along the
// eye line, unit = distance between the eyes). These ratios survive in-plane rotation, drift and scaling, and for a
// flat picture even tilting (ratios along a line are preserved by affine maps), so a print or a screen waved in front
// of the camera keeps them constant. A real head turning or nodding changes them: the nose swings sideways, or moves
// along the eye-to-mouth line. Pose models, by contrast, can be fooled by a moving print.
import type { FaceMeasurement } from '../face/types.ts';

export interface FaceGeometry {
	/** Nose offset along the eye line from the eye midpoint, in inter-eye distances (turns move it). */
	noseX: number;
	/** Nose position between the eye line (0) and the mouth line (1) (nods move it). */
	noseY: number;
}

export function faceGeometry(m: FaceMeasurement): FaceGeometry | null {
	const k = m.face?.keypoints;
	if (!k || k.length < 5) return null;
	const [re, le, nose, rm, lm] = k;
	const ex = (re.x + le.x) / 2;
	const ey = (re.y + le.y) / 2;
	const d = Math.hypot(le.x - re.x, le.y - re.y);
	if (!(d > 1)) return null;
	const ux = (le.x - re.x) / d;
	const uy = (le.y - re.y) / d;
	// Perpendicular to the eye line, pointing from the eyes towards the mouth in an upright face.
	const vx = -uy;
	const vy = ux;
	const mx = (rm.x + lm.x) / 2 - ex;
	const my = (rm.y + lm.y) / 2 - ey;
	const mouthDown = mx * vx + my * vy;
	if (!(Math.abs(mouthDown) > 1e-6)) return null;
	const nx = nose.x - ex;
	const ny = nose.y - ey;
	return { noseX: (nx * ux + ny * uy) / d, noseY: (nx * vx + ny * vy) / mouthDown };
}
