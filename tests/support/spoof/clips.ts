// Whole presentation attacks made from a live fixture clip, frame by frame, for the combined verdict's bench: the
// clip replayed on a screen held by a hand, its first frame printed and held by a hand, the same print moved about
// on purpose, and the first frame injected as a still stream. Screens and prints are rendered by attacks.ts; a hand's
// sway and the camera's per-frame noise are added here, so consecutive frames differ as a held medium's do.
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import { seededRng, type Rng } from '../../../src/lib/core/liveness/challenge.ts';
import type { TimedFrame } from '../../../src/lib/core/liveness/replay.ts';
import { camera, presented, type Condition } from './attacks.ts';

export type AttackKind = 'screen_replay' | 'print' | 'moving_print' | 'still_image';

export const ATTACK_KINDS: Record<AttackKind, string> = {
	screen_replay: 'the live clip played on a screen held by hand (bezel, sub-pixels, moiré, banding)',
	print: 'the first frame printed (halftone, paper margin) and held by hand',
	moving_print: 'the same print moved, tilted and swung on purpose to fake motion',
	still_image: 'the first frame injected as a still stream (no camera, identical frames)'
};

/** How far a hand moves the medium: peak shift in pixels and tilt in degrees, and how fast (Hz). */
interface Sway {
	px: number;
	deg: number;
	hz: number;
}
const HAND: Sway = { px: 3, deg: 0.6, hz: 0.8 };
const MOVED: Sway = { px: 28, deg: 5, hz: 0.6 };

/** The scene turned by `deg` about its centre and shifted, edges continued (the wall goes on past the frame). */
function warp(scene: RgbaImage, deg: number, dx: number, dy: number): RgbaImage {
	const { width: W, height: H } = scene;
	const out = new Uint8ClampedArray(W * H * 4);
	const [cos, sin] = [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
	for (let y = 0; y < H; y++)
		for (let x = 0; x < W; x++) {
			const [ux, uy] = [x - W / 2 - dx, y - H / 2 - dy];
			const sx = Math.min(W - 1, Math.max(0, Math.round(cos * ux + sin * uy + W / 2)));
			const sy = Math.min(H - 1, Math.max(0, Math.round(-sin * ux + cos * uy + H / 2)));
			out.set(scene.data.subarray((sy * W + sx) * 4, (sy * W + sx) * 4 + 4), (y * W + x) * 4);
		}
	return { width: W, height: H, data: out };
}

/** Where the hand has the medium at `t` ms: two slow sines out of phase, so the path is not a line. */
function held(scene: RgbaImage, t: number, sway: Sway, phase: number): RgbaImage {
	const w = (2 * Math.PI * sway.hz * t) / 1000 + phase;
	return warp(scene, sway.deg * Math.sin(w), sway.px * Math.sin(w * 1.3), sway.px * Math.cos(w * 0.7));
}

/**
 * The frames a phone's camera takes of `kind` made from `frames` (the live clip, timed as recorded). `seed` fixes
 * the medium (its tilt, place, screen pitch, print dots), each frame gets its own sensor noise.
 */
export async function* presentAttack(
	kind: AttackKind,
	frames: AsyncIterable<TimedFrame>,
	condition: Condition,
	seed: number
): AsyncGenerator<TimedFrame> {
	const noise: Rng = seededRng(seed ^ 0x5bd1e995);
	const phase = seededRng(seed)() * 6.28;
	let still: RgbaImage | null = null;
	for await (const { image, t } of frames) {
		if (kind === 'still_image') {
			still ??= image;
			yield { image: still, t };
		} else if (kind === 'screen_replay') {
			const scene = presented(image, condition, seededRng(seed));
			yield { image: await camera(held(scene, t, HAND, phase), noise), t };
		} else {
			still ??= presented(image, condition, seededRng(seed));
			const sway = kind === 'moving_print' ? MOVED : HAND;
			yield { image: await camera(held(still, t, sway, phase), noise), t };
		}
	}
}
