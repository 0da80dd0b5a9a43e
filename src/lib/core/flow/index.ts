// Public surface of the candidate flow.
export * from './types.ts';
export { notice, noticeText } from './notices.ts';
export {
	attemptsLeft,
	canChooseOnSite,
	countedFailures,
	createFlow,
	flowView,
	isTerminal,
	missingSteps,
	photoUploadsLeft,
	step,
	transition,
	usedAttempts
} from './machine.ts';
export { FLOW_STATUSES, restoreFlow, serializeFlow } from './persist.ts';
export { failedStepResult } from './report.ts';
export {
	livenessResult,
	MOTION_PROBE_ENGINE,
	type FaceEngineAttempt,
	type MotionProbeAttempt
} from './liveness-result.ts';
export { refusalRemedy, type RefusalRemedy } from './refusal.ts';
export {
	acceptedPhotoResult,
	isPhotoMismatch,
	livenessVerdict,
	photoVerdict,
	signatureResult,
	type CheckedPhoto,
	type LivenessEvent
} from './verdicts.ts';
