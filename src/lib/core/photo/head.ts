// Where the head is: chin, crown, eye line and horizontal centre, from the face engine's measurement and,
// when a background mask is known, from the silhouette (the crown is the first non-background row above the eyes).
import type { Point } from '../image/types.ts';
import type { FaceMeasurement } from '../face/types.ts';

export interface HeadGeometry {
	chinY: number;
	crownY: number;
	eyeY: number;
	centreX: number;
	/** How the crown was found: from the silhouette or estimated from face proportions. */
	crownFrom: 'silhouette' | 'proportions';
}

/**
 * In adults the eye line sits close to half-way between chin and crown (hair included adds a little),
 * so without a silhouette the crown is put one eye-to-chin distance (x1.05) above the eyes.
 */
const CROWN_OVER_EYE_CHIN = 1.05;

function meanPoint(points: readonly Point[]): Point {
	const s = points.reduce((a, p) => ({ x: a.x + p.x, y: a.y + p.y }), { x: 0, y: 0 });
	return { x: s.x / points.length, y: s.y / points.length };
}

/**
 * `isPerson`, when given, says whether an image pixel belongs to the person: the crown is the highest row in which
 * a quarter of the middle half of the face's width is person, searched from the top down to the eyes.
 */
export function headGeometry(
	m: FaceMeasurement,
	width: number,
	isPerson?: (x: number, y: number) => boolean
): HeadGeometry | null {
	const face = m.face;
	if (!face) return null;
	const lm = m.landmarks;
	let eyes: Point;
	let chin: Point;
	if (lm && lm.length === 68) {
		eyes = meanPoint(lm.slice(36, 48));
		chin = lm[8];
	} else if (face.keypoints && face.keypoints.length >= 2) {
		eyes = meanPoint(face.keypoints.slice(0, 2));
		chin = { x: eyes.x, y: face.box.y + face.box.height };
	} else {
		eyes = { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height * 0.4 };
		chin = { x: eyes.x, y: face.box.y + face.box.height };
	}
	const centreX = (eyes.x + chin.x) / 2;
	const estimatedCrown = eyes.y - (chin.y - eyes.y) * CROWN_OVER_EYE_CHIN;
	if (isPerson) {
		const half = face.box.width / 4;
		const x0 = Math.max(0, Math.round(centreX - half));
		const x1 = Math.min(width - 1, Math.round(centreX + half));
		let top = -1;
		for (let y = 0; y < Math.round(eyes.y); y++) {
			let count = 0;
			for (let x = x0; x <= x1; x++) if (isPerson(x, y)) count++;
			// A row counts as head when a quarter of the band is person: stray hairs do not move the crown.
			if (count >= (x1 - x0 + 1) * 0.25) {
				top = y;
				break;
			}
		}
		// Trust the silhouette only when it lands within a plausible distance of the proportional estimate.
		const eyeChin = chin.y - eyes.y;
		if (top >= 0 && eyes.y - top > eyeChin * 0.6 && eyes.y - top < eyeChin * 1.8) {
			return { chinY: chin.y, crownY: top, eyeY: eyes.y, centreX, crownFrom: 'silhouette' };
		}
	}
	return { chinY: chin.y, crownY: estimatedCrown, eyeY: eyes.y, centreX, crownFrom: 'proportions' };
}
