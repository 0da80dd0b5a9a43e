// Every liveness outcome, with the message the candidate sees (zh-CN first, English second).
import type { Reason, ReasonCode, Text } from './types.ts';

const messages: Record<ReasonCode, Text> = {
	passed: { zh: '活体检测通过', en: 'Liveness check passed' },
	no_face: { zh: '未检测到人脸，请将脸放入框内', en: 'No face found: keep your face inside the frame' },
	multiple_faces: {
		zh: '检测到多张人脸，请确保只有本人在画面中',
		en: 'Several faces found: only you may be in view'
	},
	still_image: {
		zh: '未检测到眨眼或头部动作，疑似照片',
		en: 'No blink or head movement: this looks like a photo'
	},
	out_of_order: {
		zh: '动作顺序不正确，请按提示依次完成',
		en: 'Actions done out of order: follow the prompts in turn'
	},
	timeout: { zh: '未在规定时间内完成动作', en: 'The action was not completed in time' },
	face_changed: { zh: '检测过程中人脸发生变化', en: 'The face changed during the check' },
	spoof_suspected: {
		zh: '未通过防伪检测，请本人在光线充足处重试',
		en: 'Anti-spoofing check failed: try again yourself in good light'
	},
	no_voice: { zh: '未检测到朗读声音，请大声读出数字', en: 'No voice heard: read the digits aloud' },
	mouth_still: { zh: '朗读时未检测到嘴部动作', en: 'No mouth movement while reading' },
	mouth_voice_mismatch: {
		zh: '嘴部动作与声音不一致',
		en: 'Mouth movement does not match the voice'
	},
	clip_too_short: { zh: '录制时间过短', en: 'The recording is too short' },
	clip_too_long: { zh: '录制时间过长', en: 'The recording is too long' },
	colour_mismatch: {
		zh: '面部反光与屏幕颜色变化不符，请本人面对屏幕重试',
		en: "Your face's reflection did not follow the screen's colours: face the screen yourself and try again"
	}
};

export function reason(code: ReasonCode): Reason {
	return { code, ...messages[code] };
}

/** Every code of a failed liveness check: the table's, so a code the judge can emit is here once it has a message. */
export const LIVENESS_FAILURE_CODES: readonly Exclude<ReasonCode, 'passed'>[] = (
	Object.keys(messages) as ReasonCode[]
).filter((code): code is Exclude<ReasonCode, 'passed'> => code !== 'passed');

/** Whether a flow failure's reason is the liveness judge's (it has a liveness message), not another step's. */
export function isLivenessFailure(code: string): code is Exclude<ReasonCode, 'passed'> {
	return (LIVENESS_FAILURE_CODES as readonly string[]).includes(code);
}
