// Runs the action state machine over a whole trace, as the camera loop would frame by frame.
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import {
	actionsVerdict,
	runActions as runMachine,
	type ActionsConfig,
	type LivenessAction,
	type SampledChecks
} from '../../../src/lib/core/liveness/index.ts';

export function runActions(
	frames: readonly FaceMeasurement[],
	actions: LivenessAction[],
	options: { stepTimeoutMs?: number; config?: Partial<ActionsConfig>; checks?: SampledChecks } = {}
) {
	const state = runMachine(
		{ kind: 'actions', actions, stepTimeoutMs: options.stepTimeoutMs ?? 10_000 },
		frames,
		options.config
	);
	return { state, verdict: actionsVerdict(state, options.checks) };
}
