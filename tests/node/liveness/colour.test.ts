// The colour challenge's judge on fixture clips relit by a sequence. A clip relit here is not a recording of a real
// face under a phone's screen: this shows that the judge finds a colour response that follows the sequence and none
// in a clip that was not lit by it (a pre-recorded stream), not that a real screen's light is strong enough to
// measure on a real face; that needs recordings made on phones.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
	COLOURS,
	colourSequence,
	FLASH_MS,
	judgeColourResponse,
	type ColourSample,
	type ScreenColour
} from '../../../src/lib/core/liveness/colour.ts';
import { fixtureBytes } from '../../security/forgeries.ts';
import { mjpegFrames } from '../../support/mjpeg.ts';

const FLASHES = 8;

/** Mean colour of the frame's central region (where the face is in these clips), each frame relit by `light`. */
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
	for (const [i, jpeg] of frames.entries()) {
		const t = (i * 1000) / fps;
		const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
		const colour = light?.(t);
		// The screen's light adds to the room's: each channel scaled by up to ±8 % with the colour on screen.
		const gain = colour ? COLOURS[colour].map((c) => 0.92 + (0.16 * c) / 255) : [1, 1, 1];
		const sum = [0, 0, 0];
		let n = 0;
		for (let y = Math.floor(info.height * 0.3); y < info.height * 0.6; y++)
			for (let x = Math.floor(info.width * 0.3); x < info.width * 0.7; x++) {
				const p = (y * info.width + x) * 3;
				for (let k = 0; k < 3; k++) sum[k] += Math.min(255, data[p + k] * gain[k]);
				n++;
			}
		out.push({ t, rgb: [sum[0] / n, sum[1] / n, sum[2] / n] });
	}
	return out;
}

const lit = (sequence: ScreenColour[]) => (t: number) => sequence[Math.floor(t / FLASH_MS)] ?? null;
const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';

describe('colour response', () => {
	const sequence = colourSequence('the-server-nonce-0001', FLASHES);

	it('a live clip relit by the sequence follows it; judged against other sequences it does not', async () => {
		const samples = await samplesOf(SELFIE, 15, lit(sequence));
		const right = judgeColourResponse(samples, sequence, 0);
		expect(right.passed, JSON.stringify(right)).toBe(true);
		expect(right.flashesJudged).toBe(FLASHES);
		const others = Array.from({ length: 30 }, (_, i) =>
			colourSequence(`another-nonce-${i}-xxxxxxxx`, FLASHES)
		);
		const passedOthers = others.filter((o) => judgeColourResponse(samples, o, 0).passed);
		expect(passedOthers, JSON.stringify(passedOthers)).toEqual([]);
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
