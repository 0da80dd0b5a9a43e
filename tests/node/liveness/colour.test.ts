// The colour challenge's judge on fixture clips relit by a sequence. A clip relit here is not a recording of a real
// face under a phone's screen: this shows that the judge finds a colour response that follows the sequence and none
// in a clip that was not lit by it (a pre-recorded stream), not that a real screen's light is strong enough to
// measure on a real face; that needs recordings made on phones.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
	COLOUR_FLASHES,
	colourSequence,
	FLASH_MS,
	judgeColourResponse,
	regionMean,
	skinRegion,
	type ColourSample,
	type ScreenColour
} from '../../../src/lib/core/liveness/colour.ts';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { judgeLiveness } from '../../../src/lib/core/liveness/judge.ts';
import { DEFAULT_THRESHOLDS } from '../../../src/lib/core/policy/thresholds.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { fixtureBytes } from '../../security/forgeries.ts';
import { mjpegFrames } from '../../support/mjpeg.ts';
import { relight } from '../../support/relight.ts';

const FLASHES = COLOUR_FLASHES;

const engine = createFaceEngine(nodeRuntime);
/** Clips whose skin region came from a detected face (not the centre fallback). */
const faceFound = new Set<string>();

/**
 * The skin region's mean colour on each frame (the real face detector finds the face on the first frame; the
 * region is core/liveness/colour.ts's skinRegion), each frame relit by `light`. A clip with no face detected falls
 * back to the frame's centre, so an attack clip is still measured.
 */
async function samplesOf(
	clip: string,
	fps: number,
	light?: (t: number) => ScreenColour | null
): Promise<ColourSample[]> {
	const frames = mjpegFrames(fixtureBytes('clips', clip)).slice(
		0,
		Math.ceil(((FLASHES * FLASH_MS) / 1000) * fps)
	);
	const out: ColourSample[] = [];
	let region: ReturnType<typeof skinRegion> | null = null;
	for (const [i, jpeg] of frames.entries()) {
		const t = (i * 1000) / fps;
		const { data, info } = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
		const image = { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
		if (!region) {
			const [face] = await engine.detect(image);
			if (face) faceFound.add(clip);
			region = face
				? skinRegion(await engine.withKeypoints(image, face))
				: { x: info.width * 0.3, y: info.height * 0.3, width: info.width * 0.4, height: info.height * 0.3 };
		}
		const colour = light?.(t);
		if (colour) relight(image, colour);
		const rgb = regionMean(image, region);
		if (rgb) out.push({ t, rgb });
	}
	return out;
}

const lit = (sequence: ScreenColour[]) => (t: number) => sequence[Math.floor(t / FLASH_MS)] ?? null;
const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';

describe('colour response', () => {
	const sequence = colourSequence('the-server-nonce-0001', FLASHES);

	it('a live clip relit by the sequence follows it; judged against other sequences it does not', async () => {
		const samples = await samplesOf(SELFIE, 15, lit(sequence));
		expect(faceFound.has(SELFIE)).toBe(true);
		const right = judgeColourResponse(samples, sequence, 0);
		expect(right.passed, JSON.stringify(right)).toBe(true);
		expect(right.flashesJudged).toBe(FLASHES);
		const others = Array.from({ length: 30 }, (_, i) =>
			colourSequence(`another-nonce-${i}-xxxxxxxx`, FLASHES)
		);
		const passedOthers = others.filter((o) => judgeColourResponse(samples, o, 0).passed);
		expect(passedOthers, JSON.stringify(passedOthers)).toEqual([]);
	}, 120_000);

	it('the liveness judge refuses a capture whose colour does not follow with colour_mismatch', async () => {
		const samples = await samplesOf(SELFIE, 15, lit(sequence));
		const other = colourSequence('another-nonce-for-the-judge', FLASHES);
		const judge = (judged: ScreenColour[]) =>
			judgeLiveness(
				{
					kind: 'digits',
					frames: [],
					audio: null,
					samples: [],
					presence: { frames: 0, faceFrames: 0, multiFrames: 0 },
					motions: [],
					colour: { sequence: judged, startedAt: 0, samples }
				},
				{
					faceMatchThreshold: DEFAULT_THRESHOLDS.faceMatch.value,
					antiSpoofThreshold: DEFAULT_THRESHOLDS.antiSpoof.value
				}
			);
		const right = judge(sequence);
		const wrong = judge(other);
		// Both fail for the reading's own reasons (no audio, no face frames here); only the wrong one adds the colour's.
		expect(right.reasons.map((r) => r.code)).not.toContain('colour_mismatch');
		expect(wrong.reasons.map((r) => r.code)).toContain('colour_mismatch');
		expect(right.measures.colourCorrelation).toBeGreaterThan(wrong.measures.colourCorrelation ?? 1);
		expect(right.measures.colourFlashes).toBe(FLASHES);
	}, 120_000);

	for (const [clip, fps] of [
		[SELFIE, 15],
		['attack_still_photo_jacky_cheung_640x480_15fps.mjpeg', 15],
		['attack_moving_print_obama_640x480_15fps.mjpeg', 15]
	] as const) {
		it(`${clip} as recorded (not lit by the sequence) fails`, async () => {
			const verdict = judgeColourResponse(await samplesOf(clip, fps), sequence, 0);
			expect(verdict.passed, JSON.stringify(verdict)).toBe(false);
		}, 120_000);
	}

	it('sequences never repeat a colour back to back and change at most 3 times a second', () => {
		for (let i = 0; i < 50; i++) {
			const s = colourSequence(`n-${i}-zzzzzzzzzzzzzz`, FLASHES);
			expect(s).toHaveLength(FLASHES);
			s.slice(1).forEach((c, k) => expect(c).not.toBe(s[k]));
		}
		expect(1000 / FLASH_MS).toBeLessThanOrEqual(3);
	});
});
