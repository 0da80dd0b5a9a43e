// Named phone-capture conditions for the card generator, so results are reported per condition: what real phones
// produce (rotation up to ±10°, a quarter or a half turn, perspective, rounded corners and drop shadows, bright and
// dim exposure with auto-exposure over a dark or a white desk, a checked cloth or a keyboard under the card, a thumb
// over its edge, warm and cool light, blur up to 2 px and motion blur, JPEG quality 60-90, frames 1280x720 to
// 4032x3024 and the same held upright, the card spanning 40-90 % of the frame's width) and one a reader must
// refuse: a lamp's reflection over a field. Every condition draws its own frame size, JPEG quality and small
// pose jitter on top of its own trait.
import type { Degradation, Hand } from './generate.ts';
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

/**
 * Where a thumb may grip each side without covering a field's text (card pixels of 856x540, after the print's
 * registration of up to ±12 x ±8 px): an edge (a stretch along it and how deep the tip may reach in) or a corner
 * (the tip on the diagonal, this far in). Labels start at x = 58 (portrait) or 138 (emblem), the portrait's name at
 * y >= 72, its photo at x <= 785, its number ends by x ~ 815 and y ~ 478; the emblem side's title starts at y ~ 76
 * and its validity ends at y ~ 508.
 */
const GRIPS: Record<
	'portrait' | 'emblem',
	{
		edge: 'left' | 'right' | 'top' | 'bottom' | 'corner';
		from: number;
		to: number;
		depth: [number, number];
	}[]
> = {
	portrait: [
		{ edge: 'left', from: 130, to: 420, depth: [25, 45] },
		{ edge: 'right', from: 120, to: 370, depth: [25, 40] },
		{ edge: 'top', from: 120, to: 700, depth: [25, 40] },
		{ edge: 'bottom', from: 140, to: 760, depth: [25, 45] },
		{ edge: 'corner', from: 0, to: 4, depth: [28, 42] }
	],
	emblem: [
		{ edge: 'left', from: 100, to: 480, depth: [25, 45] },
		{ edge: 'right', from: 60, to: 380, depth: [25, 40] },
		{ edge: 'top', from: 120, to: 760, depth: [25, 40] },
		{ edge: 'bottom', from: 120, to: 760, depth: [18, 28] },
		{ edge: 'corner', from: 0, to: 4, depth: [28, 42] }
	]
};

/** Skin tones from fair to dark (the light and the camera act on them like on the card). */
const SKIN: [number, number, number][] = [
	[236, 196, 170],
	[224, 172, 138],
	[198, 140, 104],
	[160, 108, 76],
	[112, 74, 52]
];

/** A candidate's grip: a thumb over an edge or corner of the card, sometimes fingertips past the opposite edge. */
function randomHand(r: Rng, side: 'portrait' | 'emblem'): Hand {
	const W = 856;
	const H = 540;
	const grips = GRIPS[side];
	const g = grips[Math.floor(r() * grips.length)];
	const depth = between(r, g.depth[0], g.depth[1]);
	const along = between(r, g.from, g.to);
	const tilt = signed(r, 0, 20);
	const k = Math.floor(r() * SKIN.length);
	const mix = r();
	const next = SKIN[Math.min(SKIN.length - 1, k + 1)];
	const tone = SKIN[k].map((v, c) => v * (1 - mix) + next[c] * mix) as [number, number, number];
	const width = between(r, 180, 230);
	let tip: { x: number; y: number };
	let angle: number;
	let opposite: {
		start: { x: number; y: number };
		along: { x: number; y: number };
		out: number;
		length: number;
	} | null = null;
	switch (g.edge) {
		case 'left':
			tip = { x: depth, y: along };
			angle = 180 + tilt;
			opposite = { start: { x: W, y: 0 }, along: { x: 0, y: 1 }, out: 0, length: H };
			break;
		case 'right':
			tip = { x: W - depth, y: along };
			angle = tilt;
			opposite = { start: { x: 0, y: 0 }, along: { x: 0, y: 1 }, out: 180, length: H };
			break;
		case 'top':
			tip = { x: along, y: depth };
			angle = 270 + tilt;
			opposite = { start: { x: 0, y: H }, along: { x: 1, y: 0 }, out: 90, length: W };
			break;
		case 'bottom':
			tip = { x: along, y: H - depth };
			angle = 90 + tilt;
			opposite = { start: { x: 0, y: 0 }, along: { x: 1, y: 0 }, out: 270, length: W };
			break;
		default: {
			// A corner: the tip on its diagonal, the thumb pointing out of the corner.
			const c = Math.floor(r() * 4);
			const cx = c === 1 || c === 2 ? W - depth : depth;
			const cy = c >= 2 ? H - depth : depth;
			tip = { x: cx, y: cy };
			angle = [225, 315, 45, 135][c] + signed(r, 0, 12);
		}
	}
	const hand: Hand = { tip, angle, width, tone };
	if (opposite && r() < 0.5) {
		// Two or three fingertips behind the card, 4-12 mm past the opposite edge, about a finger apart.
		const n = 2 + Math.floor(r() * 2);
		const fw = between(r, 145, 175);
		const centre = between(r, 0.3, 0.7) * opposite.length;
		hand.fingers = Array.from({ length: n }, (_, i) => {
			const t = centre + (i - (n - 1) / 2) * fw * 1.05;
			return {
				at: { x: opposite.start.x + opposite.along.x * t, y: opposite.start.y + opposite.along.y * t },
				angle: opposite.out + signed(r, 0, 10),
				width: fw * between(r, 0.9, 1.05),
				peek: between(r, 40, 120)
			};
		});
	}
	return hand;
}

/** A high-contrast tablecloth (checks or stripes) or a keyboard under the card, at its real size in the frame. */
function randomSurface(r: Rng, fill: number): NonNullable<Degradation['surface']> {
	const pick = r();
	const kind = pick < 0.4 ? 'checks' : pick < 0.7 ? 'stripes' : 'keyboard';
	// Sizes in mm, as a share of the frame's width: the card's 85.6 mm span `fill` of it.
	const mm = (v: number) => (v / 85.6) * fill;
	const cloth: [number, number, number][] = [
		[200, 30, 40],
		[30, 60, 160],
		[20, 110, 60],
		[25, 25, 30],
		[230, 120, 20]
	];
	if (kind === 'keyboard') {
		const dark = r() < 0.6;
		const key: [number, number, number] = dark ? [38, 38, 42] : [232, 232, 228];
		const gap: [number, number, number] = dark ? [175, 178, 182] : [95, 96, 100];
		return { kind, period: mm(19), angle: signed(r, 0, 25), colours: [key, gap] };
	}
	const white: [number, number, number] = [240, 238, 232];
	return {
		kind,
		period: mm(between(r, 6, 25)),
		angle: r() * 180,
		colours: [white, cloth[Math.floor(r() * cloth.length)]]
	};
}

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
		// The card on a white or pale desk: little contrast at its edge; the phone's exposure metered on the frame.
		name: 'white desk',
		expect: 'read',
		make: (r) => ({
			...base(r),
			desk: r() < 0.7 ? 'white' : 'pale',
			autoExposure: true,
			unevenLight: between(r, 0.05, 0.3)
		})
	},
	{
		// Held in the hand: a thumb over one edge or corner (not over a field's text), fingertips sometimes past
		// the opposite edge, the hand running out of the frame.
		name: 'thumb on the edge',
		expect: 'read',
		make: (r, side) => ({ ...base(r), hand: randomHand(r, side) })
	},
	{ name: 'upside down', expect: 'read', make: (r) => ({ ...base(r), rotate: 180 + signed(r, 0, 6) }) },
	{
		// The hand moving during the exposure: a directional blur of 3-6 px at any angle.
		name: 'motion blur',
		expect: 'read',
		make: (r) => ({ ...base(r), motionBlur: { length: between(r, 3, 6), angle: r() * 180 } })
	},
	{
		// A checked or striped tablecloth, or a keyboard, under the card.
		name: 'busy background',
		expect: 'read',
		make: (r) => {
			const d = base(r);
			return { ...d, surface: randomSurface(r, d.fill ?? 0.7) };
		}
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
