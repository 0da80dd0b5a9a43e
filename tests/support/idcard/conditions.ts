// Named phone-capture conditions for the card generator, so results are reported per condition: what real phones
// produce (rotation up to ±10° or a quarter turn, perspective, rounded corners and drop shadows, bright and dim
// exposure with auto-exposure over a dark desk, warm and cool light, blur up to 2 px, JPEG quality 60-90, frames
// 1280x720 to 4032x3024 and the same held upright, the card spanning 40-90 % of the frame's width) and one a reader
// must refuse: a lamp's reflection over a field. Every condition draws its own frame size, JPEG quality and small
// pose jitter on top of its own trait.
import type { Degradation } from './generate.ts';
import { rng, type Rng } from './identities.ts';
import { randomRecapture } from './recapture.ts';

/** Phone frames, landscape (a phone held upright gives the same frames turned: PORTRAIT_FRAMES). */
export const FRAMES = [
	{ width: 1280, height: 720 },
	{ width: 1920, height: 1080 },
	{ width: 1920, height: 1440 },
	{ width: 3264, height: 2448 },
	{ width: 4032, height: 3024 }
] as const;

/** The frames of a phone held upright: its camera's video, or a still the gallery turned by its EXIF. */
const PORTRAIT_FRAMES = [
	{ width: 720, height: 1280 },
	{ width: 1080, height: 1920 },
	{ width: 3024, height: 4032 }
] as const;

const between = (r: Rng, lo: number, hi: number) => lo + r() * (hi - lo);
const signed = (r: Rng, lo: number, hi: number) => (r() < 0.5 ? -1 : 1) * between(r, lo, hi);

/** Where a lamp's reflection may sit: over the name, the address, the number (portrait) or both emblem fields. */
const FIELD_SPOTS = {
	portrait: [
		{ x: 0.27, y: 0.18 },
		{ x: 0.33, y: 0.53 },
		{ x: 0.55, y: 0.83 },
		{ x: 0.7, y: 0.84 }
	],
	emblem: [
		{ x: 0.48, y: 0.77 },
		{ x: 0.5, y: 0.88 }
	]
} as const;

/** The pose and camera every condition starts from: a fair hand-held shot. */
function base(r: Rng): Degradation {
	return {
		// Most captures are video-sized frames; one in five a full-resolution still.
		frame: r() < 0.8 ? FRAMES[Math.floor(r() * 3)] : FRAMES[3 + Math.floor(r() * 2)],
		fill: between(r, 0.55, 0.85),
		rotate: signed(r, 0, 4),
		perspective: between(r, 0, 0.025),
		blur: r() < 0.5 ? between(r, 0.3, 0.9) : 0,
		jpegQuality: Math.round(between(r, 60, 90)),
		unevenLight: between(r, 0, 0.25)
	};
}

export interface CaptureCondition {
	name: string;
	/** What the reader must do: read every field, or refuse the capture with this reason code. */
	expect: 'read' | 'capture.glare';
	make(r: Rng, side: 'portrait' | 'emblem'): Degradation;
}

export const CAPTURE_CONDITIONS: readonly CaptureCondition[] = [
	{ name: 'hand-held', expect: 'read', make: (r) => base(r) },
	{
		name: 'rotated ±10°',
		expect: 'read',
		make: (r) => ({ ...base(r), rotate: signed(r, 6, 10), perspective: between(r, 0.01, 0.03) })
	},
	{
		// The card lies landscape across a frame taller than wide: it spans the frame's width, a third of its height.
		name: 'phone upright',
		expect: 'read',
		make: (r) => ({ ...base(r), frame: PORTRAIT_FRAMES[Math.floor(r() * 3)], fill: between(r, 0.7, 0.92) })
	},
	{
		// A picture from the album taken with the card turned a quarter (either way) in a landscape frame.
		name: 'card turned 90°',
		expect: 'read',
		make: (r) => ({ ...base(r), rotate: signed(r, 86, 94), fill: between(r, 0.42, 0.56) })
	},
	{
		name: 'perspective',
		expect: 'read',
		make: (r) => ({ ...base(r), perspective: between(r, 0.04, 0.07) })
	},
	{
		name: 'bright, dark desk',
		expect: 'read',
		make: (r) => ({
			...base(r),
			desk: 'dark',
			autoExposure: true,
			fill: between(r, 0.45, 0.8),
			unevenLight: between(r, 0.1, 0.4)
		})
	},
	{
		name: 'dim, noisy',
		expect: 'read',
		make: (r) => ({ ...base(r), brightness: between(r, 0.35, 0.55), noise: between(r, 3, 7) })
	},
	{
		name: 'warm light',
		expect: 'read',
		make: (r) => ({ ...base(r), whiteBalance: [between(r, 1.08, 1.18), 1, between(r, 0.68, 0.82)] })
	},
	{
		name: 'cool light',
		expect: 'read',
		make: (r) => ({ ...base(r), whiteBalance: [between(r, 0.82, 0.92), 1, between(r, 1.08, 1.2)] })
	},
	{ name: 'hand shadow', expect: 'read', make: (r) => ({ ...base(r), shadow: between(r, 0.25, 0.45) }) },
	{ name: 'blur 1-2 px', expect: 'read', make: (r) => ({ ...base(r), blur: between(r, 1, 2) }) },
	{
		name: 'small, 720p',
		expect: 'read',
		make: (r) => ({ ...base(r), frame: FRAMES[0], fill: between(r, 0.4, 0.5) })
	},
	{
		name: 'close, 12 MP',
		expect: 'read',
		make: (r) => ({ ...base(r), frame: FRAMES[4], fill: between(r, 0.75, 0.9) })
	},
	{
		name: 'JPEG q60',
		expect: 'read',
		make: (r) => ({ ...base(r), jpegQuality: 60, blur: between(r, 0.5, 1) })
	},
	{
		name: 'lamp reflection',
		expect: 'capture.glare',
		make: (r, side) => {
			const spots = FIELD_SPOTS[side];
			return { ...base(r), glare: between(r, 0.12, 0.2), glareAt: spots[Math.floor(r() * spots.length)] };
		}
	}
];

/** The degradation of `condition` for the card of `seed` (its own random stream per condition and side). */
export function conditionDegradation(
	condition: CaptureCondition,
	seed: number,
	side: 'portrait' | 'emblem'
): Degradation {
	let h = seed * 2654435761;
	for (const ch of condition.name + side) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
	return condition.make(rng(h >>> 0), side);
}

/** Recaptures of the card (tests/support/idcard/recapture.ts), each photographed as a fair hand-held shot. */
export const RECAPTURE_CONDITIONS: readonly CaptureCondition[] = (
	['screen', 'photocopy', 'print'] as const
).map((kind) => ({
	name: kind,
	expect: 'read',
	make: (r: Rng) => ({
		...base(r),
		// A screen photographed close up: its black surround fills the rest of the frame.
		...(kind === 'screen' ? { desk: 'dark' as const } : {}),
		recapture: randomRecapture(kind, r)
	})
}));
