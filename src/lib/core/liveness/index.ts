// Public surface of the liveness checks.
export * from './types.ts';
export { isLivenessFailure, LIVENESS_FAILURE_CODES, reason } from './reasons.ts';
export { actionPrompts, digitsPrompt } from './prompts.ts';
export { createChallenge, cryptoRng, readingMs, seededRng, type Rng } from './challenge.ts';
export {
	actionsOutcome,
	actionsPrompt,
	createActionsState,
	defaultActionsConfig,
	finishActions,
	runActions,
	stepActions,
	type ActionsConfig,
	type ActionsState
} from './actions.ts';
export { checkContinuity, type Similarity } from './continuity.ts';
export { foldAntiSpoof } from './spoof.ts';
export { actionsVerdict, combineReasons, type SampledChecks } from './verdict.ts';
export {
	audioFeatures,
	classifyVoice,
	detectVoice,
	defaultVadConfig,
	type AudioFeature,
	type VadConfig,
	type VadResult
} from './vad.ts';
export {
	checkDigitReading,
	mouthVoiceAgreement,
	defaultDigitsConfig,
	type DigitAudio,
	type DigitsConfig
} from './digits.ts';
export {
	judgeLiveness,
	presenceOf,
	STILL_MOTION,
	stillPicture,
	type JudgeOptions,
	type ObservedActions,
	type ObservedReading,
	type Presence
} from './judge.ts';
export { createFrameMotion, MOTION_HEIGHT, MOTION_WIDTH, type FrameMotion } from './motion.ts';
export {
	judgeActions,
	judgeDigits,
	replayActions,
	replayDigits,
	type ReplayOptions,
	type ReplayResult,
	type Sample,
	type TimedFrame
} from './replay.ts';
