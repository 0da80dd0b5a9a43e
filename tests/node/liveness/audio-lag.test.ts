// The voice-and-mouth check on a real speaker whose audio is out of step with the video, as a phone's microphone and
// camera are (they start and buffer separately): the speaker's own take, shifted by -300 to +300 ms, still passes.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, measureClip, replayOptions } from '../../../src/cli/commands/liveness.ts';
import { judgeDigits } from '../../../src/lib/core/liveness/index.ts';
import { fixture } from '../../support/fixtures.ts';

const SPEAKERS = ['bbaf2n', 'brbk7n', 'swwp2s', 'pwij3p', 'lbax4n', 'lbbc2a'];
const SHIFTS_MS = [-300, -200, -100, 0, 100, 200, 300];

/** The audio heard `ms` later (> 0) or earlier (< 0) than the video, the gap filled with silence, same length. */
function shifted(pcm: Float32Array, sampleRate: number, ms: number): Float32Array {
	const n = Math.round((Math.abs(ms) * sampleRate) / 1000);
	const out = new Float32Array(pcm.length);
	if (ms >= 0) out.set(pcm.subarray(0, pcm.length - n), n);
	else out.set(pcm.subarray(n), 0);
	return out;
}

type Measured = Awaited<ReturnType<typeof measureClip>>;
const clips = new Map<string, Measured>();

beforeAll(async () => {
	for (const code of SPEAKERS)
		clips.set(code, await measureClip(fixture('clips', `grid_${code}_640x480_25fps.mjpeg`)));
}, 600_000);

describe('digit reading with the audio out of step with the video', () => {
	for (const code of SPEAKERS) {
		it(`grid_${code}: its own take passes at every shift from -300 to +300 ms`, () => {
			const { measurements, samples } = clips.get(code)!;
			const { pcm, sampleRate } = decodeAudio(fixture('clips', `grid_${code}.wav`));
			const failed: string[] = [];
			for (const ms of SHIFTS_MS) {
				const audio = { pcm: shifted(pcm, sampleRate, ms), sampleRate };
				const verdict = judgeDigits(measurements, samples, audio, undefined, replayOptions);
				if (!verdict.passed)
					failed.push(`${ms} ms: ${verdict.reason.code} ${JSON.stringify(verdict.measures)}`);
			}
			expect(failed).toEqual([]);
		});
	}

	it('the same take with its mouth held still (every frame the first one) fails at every shift', () => {
		const { measurements, samples } = clips.get('lbax4n')!;
		const still = measurements.map((m) => ({ ...m, mouthOpenness: measurements[0].mouthOpenness }));
		const { pcm, sampleRate } = decodeAudio(fixture('clips', 'grid_lbax4n.wav'));
		for (const ms of SHIFTS_MS) {
			const audio = { pcm: shifted(pcm, sampleRate, ms), sampleRate };
			const verdict = judgeDigits(still, samples, audio, undefined, replayOptions);
			expect(verdict.passed, `${ms} ms`).toBe(false);
			expect(verdict.reason.code).toBe('mouth_still');
		}
	});
});
