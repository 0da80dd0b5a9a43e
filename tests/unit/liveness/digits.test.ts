// Digit reading: voice activity detection and mouth/voice coincidence, on synthetic audio (each rule in isolation)
// and on the real GRID traces (mouth openness measured by the face engine, audio energy/ZCR of the real WAV).
import { describe, expect, it } from 'vitest';
import {
	checkDigitReading,
	createChallenge,
	readingMs,
	detectVoice,
	seededRng
} from '../../../src/lib/core/liveness/index.ts';
import type { DigitsChallenge } from '../../../src/lib/core/liveness/types.ts';
import { audioOf, loadTrace, measurements } from './trace.ts';

const RATE = 16000;

/** Noise at `noiseDb` dBFS with voiced bursts (a 140 Hz tone with harmonics) at `voiceDb` during the given spans. */
function signal(
	durationMs: number,
	spans: [number, number][],
	noiseDb: number,
	voiceDb: number
): Float32Array {
	const n = Math.round((durationMs / 1000) * RATE);
	const pcm = new Float32Array(n);
	const noiseAmp = 10 ** (noiseDb / 20) * Math.sqrt(3);
	const voiceAmp = 10 ** (voiceDb / 20) * Math.SQRT2 * 0.7;
	let seed = 12345;
	for (let i = 0; i < n; i++) {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		const t = (i / RATE) * 1000;
		let x = ((seed / 0x7fffffff) * 2 - 1) * noiseAmp;
		if (spans.some(([a, b]) => t >= a && t < b)) {
			const ph = (2 * Math.PI * 140 * i) / RATE;
			x += voiceAmp * (Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.3 * Math.sin(3 * ph));
		}
		pcm[i] = x;
	}
	return pcm;
}

describe('voice activity detection', () => {
	it('finds voiced spans in a quiet room', () => {
		const vad = detectVoice(
			signal(
				3000,
				[
					[800, 1400],
					[1800, 2400]
				],
				-55,
				-20
			),
			RATE
		);
		expect(vad.segments.length).toBe(2);
		expect(Math.abs(vad.segments[0].startMs - 800)).toBeLessThan(60);
		expect(Math.abs(vad.segments[1].endMs - 2400)).toBeLessThan(60);
		expect(vad.voicedMs).toBeGreaterThan(1000);
	});

	it('adapts to a noisy room: the floor rises with the noise and speech above it is still found', () => {
		const vad = detectVoice(signal(3000, [[1000, 2000]], -30, -12), RATE);
		expect(vad.noiseFloorDb).toBeGreaterThan(-35);
		expect(vad.voicedMs).toBeGreaterThan(800);
		expect(vad.voicedMs).toBeLessThan(1200);
	});

	it('hears no voice in noise alone, loud or quiet', () => {
		expect(detectVoice(signal(3000, [], -30, -12), RATE).voicedMs).toBe(0);
		expect(detectVoice(signal(3000, [], -70, -12), RATE).voicedMs).toBe(0);
	});

	it('on real GRID audio, finds speech covering most of each 3 s sentence', () => {
		for (const code of ['bbaf2n', 'brbk7n', 'swwp2s', 'pwij3p', 'lbax4n', 'lbbc2a']) {
			const trace = loadTrace(`grid_${code}_640x480_25fps`);
			const r = checkDigitReading({ audio: audioOf(trace), frames: measurements(trace) });
			expect(r.measures.voicedMs as number, code).toBeGreaterThan(1500);
		}
	});
});

describe('mouth movement coincides with the voice', () => {
	const codes = ['bbaf2n', 'brbk7n', 'swwp2s', 'pwij3p', 'lbax4n', 'lbbc2a'];
	const challenge: DigitsChallenge = { kind: 'digits', digits: '2742', clipMinMs: 3000, clipMaxMs: 5000 };

	for (const code of codes) {
		it(`grid_${code}: the speaker's own mouth and voice pass`, () => {
			const trace = loadTrace(`grid_${code}_640x480_25fps`);
			const v = checkDigitReading({ audio: audioOf(trace), frames: measurements(trace), challenge });
			expect(v.passed, JSON.stringify(v.measures)).toBe(true);
			expect(v.kind).toBe('digits');
		});
	}

	it('a still face (the first frame repeated) with the same voice fails: mouth still', () => {
		const trace = loadTrace('grid_brbk7n_640x480_25fps');
		const frames = measurements(trace);
		const still = frames.map((f) => ({ ...frames[0], t: f.t }));
		const v = checkDigitReading({ audio: audioOf(trace), frames: still, challenge });
		expect(v.passed).toBe(false);
		expect(v.reason.code).toBe('mouth_still');
	});

	it('a moving mouth with a silent sound track fails: no voice', () => {
		const trace = loadTrace('grid_lbax4n_640x480_25fps');
		const audio = audioOf(trace);
		const silent = { ...audio, features: audio.features.map((f) => ({ ...f, energyDb: -75 })) };
		const v = checkDigitReading({ audio: silent, frames: measurements(trace), challenge });
		expect(v.reason.code).toBe('no_voice');
	});

	it('a mouth that moves only while the voice is silent fails: mismatch', () => {
		// The real lbax4n voice, with the mouth trace moved to where the sentence has not started or has ended.
		const trace = loadTrace('grid_lbax4n_640x480_25fps');
		const audio = audioOf(trace);
		const voiced = checkDigitReading({ audio, frames: measurements(trace) });
		expect(voiced.passed).toBe(true);
		const frames = measurements(trace).map((f) => ({ ...f, mouthOpenness: 0.02 }));
		// Wide-open mouth in the first 300 ms and the last 300 ms only, when GRID speakers are silent.
		for (const f of frames) if (f.t < 300 || f.t > 2700) f.mouthOpenness = 0.3 + 0.1 * Math.sin(f.t / 40);
		const v = checkDigitReading({ audio, frames, challenge });
		expect(v.passed).toBe(false);
		expect(v.reason.code).toBe('mouth_voice_mismatch');
	});

	it('compares mouth and voice in step when the microphone started after the camera', () => {
		// The phone's microphone began 400 ms after the first frame: its audio starts 400 ms into the sentence.
		const trace = loadTrace('grid_lbax4n_640x480_25fps');
		const audio = audioOf(trace);
		const late = 400;
		const heard = {
			durationMs: audio.durationMs - late,
			features: audio.features.filter((f) => f.t >= late).map((f) => ({ ...f, t: f.t - late }))
		};
		const frames = measurements(trace);
		const outOfStep = checkDigitReading({ audio: heard, frames, challenge });
		const inStep = checkDigitReading({ audio: heard, frames, challenge, audioStartMs: frames[0].t + late });
		expect(inStep.passed, JSON.stringify(inStep.measures)).toBe(true);
		expect(inStep.measures.audioOffsetMs).toBe(late);
		// In step, the best lag is the lips' small lead; out of step, the search has to reach for the whole 400 ms
		// (the window tolerates it, audio-lag.test.ts), so the phone's start time is what keeps the lag small.
		expect(Math.abs(inStep.measures.lagMs as number)).toBeLessThanOrEqual(200);
		expect(Math.abs(outOfStep.measures.lagMs as number)).toBeGreaterThan(
			Math.abs(inStep.measures.lagMs as number)
		);
	});

	it('every speaker passes seen 12.5 times a second, as the phone captures a reading (every frame phase)', () => {
		// client/liveness-loop.ts captures a frame every >= 60 ms while the candidate reads: 12.5 fps from a 25 fps camera.
		for (const code of codes) {
			const trace = loadTrace(`grid_${code}_640x480_25fps`);
			for (const phase of [0, 1]) {
				const frames = measurements(trace).filter((_, i) => i % 2 === phase);
				const v = checkDigitReading({ audio: audioOf(trace), frames, challenge });
				expect(v.passed, `${code} odd=${phase} ${JSON.stringify(v.measures)}`).toBe(true);
			}
		}
	});

	it('checks the clip length against the policy (3-5 s)', () => {
		const trace = loadTrace('grid_bbaf2n_640x480_25fps');
		const tooLong: DigitsChallenge = { ...challenge, clipMinMs: 4000, clipMaxMs: 6000 };
		const v = checkDigitReading({ audio: audioOf(trace), frames: measurements(trace), challenge: tooLong });
		expect(v.reasons.map((r) => r.code)).toContain('clip_too_short');
	});
});

describe('digit challenges', () => {
	it("draws the policy's number of random digits", () => {
		const rng = seededRng(7);
		const seen = new Set<string>();
		for (let i = 0; i < 50; i++) {
			const c = createChallenge({ kind: 'digits', length: 4, clipMinMs: 3000, clipMaxMs: 5000 }, rng);
			if (c.kind !== 'digits') throw new Error('kind');
			expect(c.digits).toMatch(/^\d{4}$/);
			seen.add(c.digits);
		}
		expect(seen.size).toBeGreaterThan(45);
	});

	it("records for a time inside the policy's clip length, which is all the phone keeps of a late timer's clip", () => {
		const c = createChallenge({ kind: 'digits', length: 4, clipMinMs: 3000, clipMaxMs: 5000 });
		if (c.kind !== 'digits') throw new Error('kind');
		expect(readingMs(c)).toBe(4000);
	});

	it('refuses lengths outside 4-6', () => {
		expect(() => createChallenge({ kind: 'digits', length: 3, clipMinMs: 3000, clipMaxMs: 5000 })).toThrow();
		expect(() => createChallenge({ kind: 'digits', length: 7, clipMinMs: 3000, clipMaxMs: 5000 })).toThrow();
	});
});
