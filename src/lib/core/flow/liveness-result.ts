// The liveness step's result as signed, built the same way whichever engine decided it: the face engine's verdict,
// or the frame-to-frame motion measure alone when the face models did not load. Both name the challenge, say
// whether the reading clip stayed on the phone and carry the camera's injection signals; the screens only run the
// capture.
import type { StepResult } from '../bundle/schema.ts';
import { INJECTION_DETAIL, type InjectionSignal } from '../liveness/injection.ts';
import { stillPicture } from '../liveness/judge.ts';
import { median, round } from '../liveness/stats.ts';
import type { Challenge, ReasonCode } from '../liveness/types.ts';

/** The engine named by a result the motion measure alone decided (the server never confirms it automatically). */
export const MOTION_PROBE_ENGINE = 'motion-probe';

type Detail = string | number | boolean | null;

interface Attempt {
	challenge: Challenge;
	/** The reading clip was recorded and kept on the phone (digit reading where MediaRecorder exists). */
	clipKeptOnPhone: boolean;
	/**
	 * Signs that the camera stream was injected (core/liveness/injection.ts), watched the same way whichever engine
	 * ran; none adds no detail.
	 */
	injection: readonly InjectionSignal[];
}

export interface FaceEngineAttempt extends Attempt {
	engine: 'face';
	/** The face loop's verdict (client/liveness-loop.ts). */
	verdict: {
		passed: boolean;
		reason: { code: ReasonCode };
		reasons: readonly string[];
		scores: Record<string, number>;
		details: Record<string, Detail>;
	};
	models: readonly { id: string; sha256: string }[];
}

export interface MotionProbeAttempt extends Attempt {
	engine: typeof MOTION_PROBE_ENGINE;
	/** Frame-to-frame changes (0..255), and the sampled frames' brightness and sharpness. */
	motions: readonly number[];
	brightness: readonly number[];
	sharpness: readonly number[];
	durationMs: number;
	/** Why the face models did not load, when they failed (rather than being unavailable). */
	faceModelsError: string | null;
}

const medianOrZero = (values: readonly number[]) => (values.length ? median(values) : 0);

/** The step's result and the code that decided it ('passed', or the failure the flow records). */
export function livenessResult(attempt: FaceEngineAttempt | MotionProbeAttempt): {
	result: StepResult;
	reason: ReasonCode;
} {
	const { challenge } = attempt;
	const common = {
		challenge: challenge.kind,
		steps: challenge.kind === 'actions' ? challenge.actions.join(',') : challenge.digits.length,
		clipKeptOnPhone: attempt.clipKeptOnPhone,
		...(attempt.injection.length ? { [INJECTION_DETAIL]: attempt.injection.join(',') } : {})
	};
	if (attempt.engine === 'face') {
		const { verdict } = attempt;
		const result: StepResult = {
			kind: 'liveness',
			passed: verdict.passed,
			scores: verdict.scores,
			reasons: [...verdict.reasons],
			models: attempt.models.map((m) => ({ id: m.id, sha256: m.sha256 })),
			details: { ...verdict.details, ...common }
		};
		return { result, reason: verdict.reason.code };
	}
	// Too few changes measured to tell is not a pass.
	const passed = stillPicture(attempt.motions) === false;
	const code: ReasonCode = passed ? 'passed' : 'still_image';
	const result: StepResult = {
		kind: 'liveness',
		passed,
		scores: {
			motion: round(medianOrZero(attempt.motions), 3),
			brightness: round(medianOrZero(attempt.brightness), 1),
			sharpness: round(medianOrZero(attempt.sharpness), 1)
		},
		reasons: passed ? [] : [code],
		models: [],
		details: {
			...common,
			engine: MOTION_PROBE_ENGINE,
			...(attempt.faceModelsError ? { faceModelsError: attempt.faceModelsError } : {}),
			frames: attempt.motions.length + 1,
			durationMs: attempt.durationMs
		}
	};
	return { result, reason: code };
}
