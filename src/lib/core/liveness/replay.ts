// Drives the liveness checks over a sequence of frames with a FaceEngine: the camera loop in the worker, the `zv`
// replay and the benchmarks all use this, so a clip is judged the same way everywhere.
import { cosineSimilarity } from '../face/match.ts';
import type { FaceEngine, FaceMeasurement } from '../face/types.ts';
import type { RgbaImage } from '../image/types.ts';
import { createActionsState, finishActions, stepActions, type ActionsConfig } from './actions.ts';
import { checkContinuity, type Similarity } from './continuity.ts';
import { checkDigitReading, type DigitsConfig } from './digits.ts';
import { foldAntiSpoof } from './spoof.ts';
import type { ActionsChallenge, DigitsChallenge, LivenessVerdict } from './types.ts';
import { actionsVerdict } from './verdict.ts';

export interface TimedFrame {
	image: RgbaImage;
	/** ms since capture start. */
	t: number;
}

/** What was sampled on a frame for the identity and anti-spoof checks. */
export interface Sample {
	t: number;
	embedding: Float32Array;
	live: number;
}

export interface ReplayOptions {
	/** Identity and anti-spoof are sampled at most this often (they cost more than a measurement). */
	sampleEveryMs?: number;
	faceMatchThreshold: number;
	antiSpoofThreshold: number;
	similarity?: Similarity<Sample>;
	actions?: Partial<ActionsConfig>;
	digits?: Partial<DigitsConfig>;
	/** Stop reading frames once the action challenge is decided (the camera loop does; the bench does not). */
	stopWhenDecided?: boolean;
}

export interface ReplayResult {
	verdict: LivenessVerdict;
	measurements: FaceMeasurement[];
	samples: Sample[];
}

const bySimilarity: Similarity<Sample> = (a, b) => cosineSimilarity(a.embedding, b.embedding);

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
	for await (const frame of frames) {
		const m = await engine.measure(frame.image, frame.t);
		measurements.push(m);
		state = stepActions(state, m);
		await maybeSample(engine, frame, m, samples, options.sampleEveryMs ?? 500);
		if (options.stopWhenDecided && (state.phase === 'passed' || state.phase === 'failed')) break;
	}
	state = finishActions(state);
	const verdict = actionsVerdict(state, {
		continuity: checkContinuity(samples, options.similarity ?? bySimilarity, options.faceMatchThreshold),
		spoof: foldAntiSpoof(
			samples.map((s) => s.live),
			options.antiSpoofThreshold
		)
	});
	return { verdict, measurements, samples };
}

export async function replayDigits(
	frames: AsyncIterable<TimedFrame> | Iterable<TimedFrame>,
	engine: FaceEngine,
	audio: { pcm: Float32Array; sampleRate: number },
	challenge: DigitsChallenge | undefined,
	options: ReplayOptions
): Promise<ReplayResult> {
	const measurements: FaceMeasurement[] = [];
	const samples: Sample[] = [];
	for await (const frame of frames) {
		const m = await engine.measure(frame.image, frame.t);
		measurements.push(m);
		await maybeSample(engine, frame, m, samples, options.sampleEveryMs ?? 500);
	}
	const verdict = checkDigitReading(
		{
			audio,
			frames: measurements,
			challenge,
			continuity: checkContinuity(samples, options.similarity ?? bySimilarity, options.faceMatchThreshold),
			spoof: foldAntiSpoof(
				samples.map((s) => s.live),
				options.antiSpoofThreshold
			)
		},
		options.digits
	);
	return { verdict, measurements, samples };
}

/** Judges an action challenge on frames measured earlier (benchmarks try many challenges on one measured clip). */
export function judgeActions(
	measurements: readonly FaceMeasurement[],
	samples: readonly Sample[],
	challenge: ActionsChallenge,
	options: ReplayOptions
): LivenessVerdict {
	let state = createActionsState(challenge, options.actions);
	for (const m of measurements) state = stepActions(state, m);
	state = finishActions(state);
	return actionsVerdict(state, {
		continuity: checkContinuity(samples, options.similarity ?? bySimilarity, options.faceMatchThreshold),
		spoof: foldAntiSpoof(
			samples.map((s) => s.live),
			options.antiSpoofThreshold
		)
	});
}

/** Judges digit reading on frames measured earlier. */
export function judgeDigits(
	measurements: readonly FaceMeasurement[],
	samples: readonly Sample[],
	audio: { pcm: Float32Array; sampleRate: number },
	challenge: DigitsChallenge | undefined,
	options: ReplayOptions
): LivenessVerdict {
	return checkDigitReading(
		{
			audio,
			frames: measurements,
			challenge,
			continuity: checkContinuity(samples, options.similarity ?? bySimilarity, options.faceMatchThreshold),
			spoof: foldAntiSpoof(
				samples.map((s) => s.live),
				options.antiSpoofThreshold
			)
		},
		options.digits
	);
}
