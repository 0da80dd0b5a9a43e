// Observes a sequence of frames with a FaceEngine, as the phone's camera loop does, and hands what it saw to the
// one liveness judge (judge.ts): `zv liveness replay`, the benchmarks and the Node tests judge a clip as the phone
// would.
import type { FaceEngine, FaceMeasurement } from '../face/types.ts';
import type { RgbaImage } from '../image/types.ts';
import { createActionsState, runActions, stepActions, type ActionsConfig } from './actions.ts';
import type { DigitAudio } from './digits.ts';
import { judgeLiveness, presenceOf, type JudgeOptions, type Sample } from './judge.ts';
import { createFrameMotion } from './motion.ts';
import type { ActionsChallenge, DigitsChallenge, LivenessVerdict } from './types.ts';

export type { Sample } from './judge.ts';

export interface TimedFrame {
	image: RgbaImage;
	/** ms since capture start. */
	t: number;
}

export interface ReplayOptions extends JudgeOptions {
	/** Identity and anti-spoof are sampled at most this often (they cost more than a measurement). */
	sampleEveryMs?: number;
	actions?: Partial<ActionsConfig>;
	/** Stop reading frames once the action challenge is decided (the camera loop does; the bench does not). */
	stopWhenDecided?: boolean;
}

export interface ReplayResult {
	verdict: LivenessVerdict;
	measurements: FaceMeasurement[];
	samples: Sample[];
	/** Frame-to-frame picture changes, as the phone measures them. */
	motions: number[];
}

async function maybeSample(
	engine: FaceEngine,
	frame: TimedFrame,
	m: FaceMeasurement,
	samples: Sample[],
	every: number
): Promise<void> {
	if (m.faceCount !== 1 || !m.face) return;
	const last = samples[samples.length - 1];
	if (last && frame.t - last.t < every) return;
	const [emb, live] = await Promise.all([
		engine.embed(frame.image, m.face),
		engine.liveness(frame.image, m.face)
	]);
	samples.push({ t: frame.t, embedding: emb.vector, live });
}

export async function replayActions(
	frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>,
	engine: FaceEngine,
	challenge: ActionsChallenge,
	options: ReplayOptions
): Promise<ReplayResult> {
	let state = createActionsState(challenge, options.actions);
	const measurements: FaceMeasurement[] = [];
	const samples: Sample[] = [];
	const motions: number[] = [];
	const motion = createFrameMotion();
	for await (const frame of frames) {
		const change = motion.push(frame.image);
		if (change !== null) motions.push(change);
		const m = await engine.measure(frame.image, frame.t);
		measurements.push(m);
		state = stepActions(state, m);
		await maybeSample(engine, frame, m, samples, options.sampleEveryMs ?? 500);
		if (options.stopWhenDecided && (state.phase === 'passed' || state.phase === 'failed')) break;
	}
	const verdict = judgeLiveness(
		{ kind: 'actions', actions: state, samples, presence: presenceOf(measurements), motions },
		options
	);
	return { verdict, measurements, samples, motions };
}

export async function replayDigits(
	frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>,
	engine: FaceEngine,
	audio: DigitAudio,
	challenge: DigitsChallenge | undefined,
	options: ReplayOptions
): Promise<ReplayResult> {
	const measurements: FaceMeasurement[] = [];
	const samples: Sample[] = [];
	const motions: number[] = [];
	const motion = createFrameMotion();
	for await (const frame of frames) {
		const change = motion.push(frame.image);
		if (change !== null) motions.push(change);
		const m = await engine.measure(frame.image, frame.t);
		measurements.push(m);
		await maybeSample(engine, frame, m, samples, options.sampleEveryMs ?? 500);
	}
	const verdict = judgeDigits(measurements, samples, audio, challenge, options, motions);
	return { verdict, measurements, samples, motions };
}

/**
 * Judges an action challenge on frames measured earlier (benchmarks try many challenges on one measured clip);
 * `motions` when the frames' changes were kept too, else the still-picture check has nothing to go on.
 */
export function judgeActions(
	measurements: readonly FaceMeasurement[],
	samples: readonly Sample[],
	challenge: ActionsChallenge,
	options: ReplayOptions,
	motions: readonly number[] = []
): LivenessVerdict {
	return judgeLiveness(
		{
			kind: 'actions',
			actions: runActions(challenge, measurements, options.actions),
			samples,
			presence: presenceOf(measurements),
			motions
		},
		options
	);
}

/** Judges digit reading on frames measured earlier. */
export function judgeDigits(
	measurements: readonly FaceMeasurement[],
	samples: readonly Sample[],
	audio: DigitAudio,
	challenge: DigitsChallenge | undefined,
	options: ReplayOptions,
	motions: readonly number[] = []
): LivenessVerdict {
	return judgeLiveness(
		{
			kind: 'digits',
			challenge,
			frames: measurements,
			audio,
			samples,
			presence: presenceOf(measurements),
			motions
		},
		options
	);
}
