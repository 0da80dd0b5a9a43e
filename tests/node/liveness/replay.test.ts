// Liveness end to end in Node: real clips decoded with ffmpeg, measured by the face engine on onnxruntime-node
// with the staged weights, judged by the same state machine and digit check the phone runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, measureClip, replayClip, replayOptions } from '../../../src/cli/commands/liveness.ts';
import { judgeActions, judgeDigits } from '../../../src/lib/core/liveness/index.ts';
import { LIVENESS_ACTIONS, type LivenessAction } from '../../../src/lib/core/policy/types.ts';
import { fixture } from '../../support/fixtures.ts';

const clip = (name: string) => fixture('clips', name);
const everyChallenge: LivenessAction[][] = LIVENESS_ACTIONS.flatMap((a) =>
	LIVENESS_ACTIONS.map((b) => (a === b ? [a] : [a, b]))
);
const actions = (list: LivenessAction[]) => ({
	kind: 'actions' as const,
	actions: list,
	stepTimeoutMs: 10_000
});

describe('action challenges on real clips', () => {
	it('live_blink_selfie passes ["blink"] (the CLI path, stopping at the decision)', async () => {
		const { verdict } = await replayClip(clip('live_blink_selfie_480x640_15fps.mjpeg'), {
			challenge: ['blink'],
			stopWhenDecided: true
		});
		expect(verdict.passed, JSON.stringify(verdict.reasons)).toBe(true);
		expect(verdict.continuity?.passed).toBe(true);
	}, 300_000);

	it('live_blink_selfie.mp4 at 15 fps passes ["blink"]', async () => {
		const { verdict } = await replayClip(clip('live_blink_selfie.mp4'), {
			challenge: ['blink'],
			fps: 15,
			stopWhenDecided: true
		});
		expect(verdict.passed, JSON.stringify(verdict.reasons)).toBe(true);
	}, 300_000);

	it('headturn_yaw_woman passes its turn', async () => {
		const { verdict } = await replayClip(clip('headturn_yaw_woman_640x480_15fps.mjpeg'), {
			challenge: ['turn_left'],
			stopWhenDecided: true
		});
		expect(verdict.passed, JSON.stringify(verdict.reasons)).toBe(true);
		const { measure } = verdict.steps[0];
		expect(measure.displacement).toBeGreaterThanOrEqual(measure.threshold);
		expect(measure.geometry).toBeGreaterThanOrEqual(measure.geometryThreshold);
	}, 300_000);

	for (const name of [
		'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg',
		'attack_moving_print_obama_640x480_15fps.mjpeg'
	]) {
		it(`${name} fails every one- and two-action challenge`, async () => {
			const { measurements, samples } = await measureClip(clip(name));
			expect(measurements.length).toBe(90);
			for (const challenge of everyChallenge) {
				const verdict = judgeActions(measurements, samples, actions(challenge), replayOptions);
				expect(verdict.passed, challenge.join(',')).toBe(false);
			}
		}, 300_000);
	}
});

describe('digit reading: voice and mouth movement coincide', () => {
	let dir = '';
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'zv-liveness-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	for (const code of ['bbaf2n', 'brbk7n', 'swwp2s', 'pwij3p', 'lbax4n', 'lbbc2a']) {
		it(`grid_${code} with its own WAV passes`, async () => {
			const { verdict } = await replayClip(clip(`grid_${code}_640x480_25fps.mjpeg`), {
				challenge: 'digits',
				audio: clip(`grid_${code}.wav`)
			});
			expect(verdict.passed, JSON.stringify(verdict.measures)).toBe(true);
		}, 300_000);
	}

	it('a still clip (one frame of grid_brbk7n held for 3 s) with the same WAV fails', async () => {
		// Made here: the speaker's first frame as a still image, at the clip's rate and length.
		const first = join(dir, 'first.jpg');
		const still = join(dir, 'still_640x480_25fps.mjpeg');
		const src = clip('grid_brbk7n_640x480_25fps.mjpeg');
		let r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'mjpeg', '-i', src, '-frames:v', '1', '-y', first]);
		expect(r.status).toBe(0);
		r = spawnSync('ffmpeg', [
			'-v',
			'error',
			'-loop',
			'1',
			'-framerate',
			'25',
			'-i',
			first,
			'-t',
			'3',
			'-f',
			'mjpeg',
			'-q:v',
			'6',
			'-y',
			still
		]);
		expect(r.status).toBe(0);
		const { measurements, samples } = await measureClip(still);
		const audio = decodeAudio(clip('grid_brbk7n.wav'));
		const verdict = judgeDigits(measurements, samples, audio, undefined, replayOptions);
		expect(verdict.passed).toBe(false);
		expect(verdict.reason.code).toBe('mouth_still');
	}, 300_000);
});

describe('zv liveness replay', () => {
	const zv = (...args: string[]) =>
		spawnSync('node', ['src/cli/zv.mjs', 'liveness', ...args], { encoding: 'utf8' });

	it('prints {"passed","reason","steps"} and exits 0 on a pass, 1 on a fail', () => {
		const pass = zv('replay', clip('live_blink_selfie_480x640_15fps.mjpeg'), '--challenge', '["blink"]');
		expect(pass.status, pass.stderr).toBe(0);
		const out = JSON.parse(pass.stdout);
		expect(out.passed).toBe(true);
		expect(out.reason).toBe('passed');
		expect(out.steps[0]).toMatchObject({ action: 'blink', passed: true });
		const fail = zv(
			'replay',
			clip('attack_still_photo_jacky_cheung_640x480_15fps.mjpeg'),
			'--challenge',
			'["blink","turn_left"]',
			'--fps',
			'15'
		);
		expect(fail.status).toBe(1);
		expect(JSON.parse(fail.stdout)).toMatchObject({ passed: false, reason: 'still_image' });
	}, 300_000);

	it('gives a clear message and a non-zero exit for bad input', () => {
		const missing = zv('replay', '/nonexistent/clip.mjpeg', '--challenge', '["blink"]');
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/no such file/);
		const dir = mkdtempSync(join(tmpdir(), 'zv-bad-'));
		const text = join(dir, 'notes.mp4');
		writeFileSync(text, 'this is not a video\n');
		const notVideo = zv('replay', text, '--challenge', '["blink"]');
		expect(notVideo.status).toBe(3);
		expect(notVideo.stderr).toMatch(/not a video/);
		rmSync(dir, { recursive: true, force: true });
		const badChallenge = zv('replay', clip('live_blink_selfie.mp4'), '--challenge', '["smile"]');
		expect(badChallenge.status).toBe(2);
		expect(badChallenge.stderr).toMatch(/unknown action/);
		expect(zv('dance').status).toBe(2);
	});
});
