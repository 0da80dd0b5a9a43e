// Runs the action state machine over a whole trace, as the camera loop would frame by frame.
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import {
	actionsVerdict,
	createActionsState,
	finishActions,
	stepActions,
	type ActionsConfig,
	type LivenessAction,
	type SampledChecks
} from '../../../src/lib/core/liveness/index.ts';

export function runActions(
	frames: readonly FaceMeasurement[],
	actions: LivenessAction[],
	options: { stepTimeoutMs?: number; config?: Partial<ActionsConfig>; checks?: SampledChecks } = {}
) {
	let state = createActionsState(
		{ kind: 'actions', actions, stepTimeoutMs: options.stepTimeoutMs ?? 10_000 },
		options.config
	);
	for (const m of frames) state = stepActions(state, m);
	state = finishActions(state);
	return { state, verdict: actionsVerdict(state, options.checks) };
}
