// The phone's camera loop and `zv liveness replay` judge the same clip the same way: each fixture clip is decoded
// once and played through both, with the face engine on onnxruntime-node behind each (the loop gets it where the
// face worker would be, and a clock that moves with the clip's frames). Both hand what they saw to the one judge;
// a verdict of the phone's own would show up here as a different pass or a different reason.
import type { Remote } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeAudio, decodeFrames, probeClip } from '../../../src/cli/commands/liveness.ts';
import { runFaceLiveness } from '../../../src/lib/client/liveness-loop.ts';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { sampleFace } from '../../../src/lib/core/face/live-sample.ts';
import { resize } from '../../../src/lib/core/image/ops.ts';
import {
	MOTION_HEIGHT,
	MOTION_WIDTH,
	replayActions,
	replayDigits,
	type Challenge,
	type TimedFrame
} from '../../../src/lib/core/liveness/index.ts';
import { DEFAULT_THRESHOLDS } from '../../../src/lib/core/policy/thresholds.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import type { FaceWorkerApi } from '../../../workers/face.worker.ts';
import { fixture } from '../../support/fixtures.ts';

const thresholds = {
	faceMatch: DEFAULT_THRESHOLDS.faceMatch.value,
	antiSpoof: DEFAULT_THRESHOLDS.antiSpoof.value
};
/** The phone's face worker detects on every third frame and tracks in between. */
const PHONE_CADENCE = 3;

async function decoded(name: string): Promise<TimedFrame[]> {
	const path = fixture('clips', name);
	const frames: TimedFrame[] = [];
	for await (const f of decodeFrames(path, probeClip(path), false)) frames.push(f);
	return frames;
}

/** The phone's loop over recorded frames: the clock advances to each frame's time as the camera delivers it. */
async function phoneLoop(frames: TimedFrame[], challenge: Challenge, audio?: ReturnType<typeof decodeAudio>) {
	const engine = createFaceEngine(nodeRuntime, { detectEvery: PHONE_CADENCE });
	const api = {
		measure: (frame: ImageData, t: number) => engine.measure(frame, t),
		sample: async (frame: ImageData, face: never, threshold: number) => ({
			...(await sampleFace(engine, frame, face, threshold)),
			ms: 0
		})
	} as unknown as Remote<FaceWorkerApi>;
	let i = 0;
	let heard: (value: { audio: ReturnType<typeof decodeAudio>; startedAt: number }) => void = () => {};
	const started = performance.now();
	const reading = audio
		? new Promise<{ audio: typeof audio; startedAt: number }>((r) => (heard = r))
		: undefined;
	const current = () => (i < frames.length ? (frames[i].image as ImageData) : null);
	return runFaceLiveness(api, challenge, thresholds, {
		prompt() {},
		hint() {},
		frame: (maxWidth) => {
			const image = current();
			if (!image || !maxWidth || image.width <= maxWidth) return image;
			const height = Math.round((image.height * maxWidth) / image.width);
			return resize(image, maxWidth, height) as ImageData;
		},
		thumbnail: () => (i < frames.length ? resize(frames[i].image, MOTION_WIDTH, MOTION_HEIGHT) : null),
		capturedAt: () => (i < frames.length ? started + frames[i].t : null),
		async nextFrame() {
			i++;
			if (i < frames.length) vi.advanceTimersByTime(frames[i].t - frames[i - 1].t);
			else heard({ audio: audio!, startedAt: started });
		},
		reading
	});
}

describe('the phone loop and the replay give one verdict', () => {
	beforeEach(() => void vi.useFakeTimers({ toFake: ['performance'] }));
	afterEach(() => void vi.useRealTimers());

	const actionClips: [string, Challenge & { kind: 'actions' }][] = [
		['live_blink_selfie_480x640_15fps.mjpeg', { kind: 'actions', actions: ['blink'], stepTimeoutMs: 10_000 }],
		[
			'headturn_yaw_woman_640x480_15fps.mjpeg',
			{ kind: 'actions', actions: ['turn_left'], stepTimeoutMs: 10_000 }
		],
		[
			'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg',
			{ kind: 'actions', actions: ['blink'], stepTimeoutMs: 4_000 }
		],
		[
			'attack_moving_print_obama_640x480_15fps.mjpeg',
			{ kind: 'actions', actions: ['blink', 'turn_left'], stepTimeoutMs: 4_000 }
		]
	];
	for (const [name, challenge] of actionClips) {
		it(`${name}, ${challenge.actions.join('+')}`, async () => {
			const frames = await decoded(name);
			const phone = await phoneLoop(frames, challenge);
			const replay = await replayActions(
				frames,
				createFaceEngine(nodeRuntime, { detectEvery: PHONE_CADENCE }),
				challenge,
				{
					faceMatchThreshold: thresholds.faceMatch,
					antiSpoofThreshold: thresholds.antiSpoof,
					stopWhenDecided: true
				}
			);
			const { verdict } = replay;
			expect(phone.reasons, JSON.stringify(phone.details)).toEqual(verdict.reasons.map((r) => r.code));
			expect(phone.passed).toBe(verdict.passed);
			expect(phone.details.frames).toBe(replay.measurements.length);
			expect(phone.scores.motion).toBe(verdict.measures.motion);
		}, 300_000);
	}

	// The phone keeps a frame at most every 60 ms while the candidate reads (half of this 25 fps clip) and
	// measures them once the reading is over; the replay measures every frame. The verdict must not depend on it.
	for (const code of ['bbaf2n', 'swwp2s']) {
		it(`grid_${code} read aloud with its own voice`, async () => {
			const frames = await decoded(`grid_${code}_640x480_25fps.mjpeg`);
			const audio = decodeAudio(fixture('clips', `grid_${code}.wav`));
			const challenge = { kind: 'digits' as const, digits: '4071', clipMinMs: 2000, clipMaxMs: 6000 };
			const phone = await phoneLoop(frames, challenge, audio);
			const { verdict } = await replayDigits(
				frames,
				createFaceEngine(nodeRuntime, { detectEvery: PHONE_CADENCE }),
				audio,
				challenge,
				{ faceMatchThreshold: thresholds.faceMatch, antiSpoofThreshold: thresholds.antiSpoof }
			);
			expect(phone.reasons, JSON.stringify(phone.details)).toEqual(verdict.reasons.map((r) => r.code));
			expect(phone.passed).toBe(verdict.passed);
			expect(phone.passed).toBe(true);
		}, 300_000);
	}
});
