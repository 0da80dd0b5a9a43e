// The step result a failure report carries to the server (POST /api/phone/attempt): what the step's screen saved,
// marked failed, with the flow's reason added. The server reads the failure's kind back from it (a liveness step
// with the reason "face_mismatch" is a face-match failure), so the two sides count the same thing.
import type { StepResult } from '../bundle/schema.ts';
import { FAILURE_STEP } from '../policy/steps.ts';
import type { FailureRecord } from './types.ts';

export function failedStepResult(
	saved: Partial<Record<StepResult['kind'], StepResult>>,
	failure: Pick<FailureRecord, 'kind' | 'reason'>
): StepResult {
	const kind = FAILURE_STEP[failure.kind];
	const step = saved[kind];
	const reasons = [...new Set([...(step?.reasons ?? []), failure.reason])];
	return { scores: {}, models: [], details: {}, ...step, kind, passed: false, reasons };
}
