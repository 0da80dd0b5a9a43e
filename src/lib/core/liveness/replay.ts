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

/** What observing a clip leaves for the judge: every frame's measurement, the samples and the frames' changes. */
type Observed = Omit<ReplayResult, 'verdict'>;

/**
 * Measures each frame as the camera loop does (its change from the last, its face, a sample at most every
 * sampleEveryMs), telling `onMeasured` of each measurement; stops early when it answers true.
 */
async function observe(
	frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>,
	engine: FaceEngine,
	options: ReplayOptions,
	onMeasured: (m: FaceMeasurement) => boolean = () => false
): Promise<Observed> {
	const observed: Observed = { measurements: [], samples: [], motions: [] };
	const motion = createFrameMotion();
	for await (const frame of frames) {
		const change = motion.push(frame.image);
		if (change !== null) observed.motions.push(change);
		const m = await engine.measure(frame.image, frame.t);
		observed.measurements.push(m);
		const stop = onMeasured(m);
		await maybeSample(engine, frame, m, observed.samples, options.sampleEveryMs ?? 500);
		if (stop) break;
	}
	return observed;
}

export async function replayActions(
	frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>,
	engine: FaceEngine,
	challenge: ActionsChallenge,
	options: ReplayOptions
): Promise<ReplayResult> {
	let state = createActionsState(challenge, options.actions);
	const observed = await observe(frames, engine, options, (m) => {
		state = stepActions(state, m);
		return options.stopWhenDecided === true && (state.phase === 'passed' || state.phase === 'failed');
	});
	const { measurements, samples, motions } = observed;
	const verdict = judgeLiveness(
		{ kind: 'actions', actions: state, samples, presence: presenceOf(measurements), motions },
		options
	);
	return { verdict, ...observed };
}

export async function replayDigits(
	frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>,
	engine: FaceEngine,
	audio: DigitAudio,
	challenge: DigitsChallenge | undefined,
	options: ReplayOptions
): Promise<ReplayResult> {
	const observed = await observe(frames, engine, options);
	const { measurements, samples, motions } = observed;
	const verdict = judgeDigits(measurements, samples, audio, challenge, options, motions);
	return { verdict, ...observed };
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
