// What the camera screen tells the candidate at each moment of an action challenge.
import type { LivenessAction, Text } from './types.ts';

export const actionPrompts: Record<LivenessAction, Text> = {
	blink: { zh: '请眨眨眼', en: 'Blink your eyes' },
	turn_left: { zh: '请向左转头', en: 'Turn your head to your left' },
	turn_right: { zh: '请向右转头', en: 'Turn your head to your right' },
	raise_head: { zh: '请缓慢抬头', en: 'Slowly raise your head' },
	lower_head: { zh: '请缓慢低头', en: 'Slowly lower your head' },
	open_mouth: { zh: '请张嘴', en: 'Open your mouth' }
};

export const calibratePrompt: Text = {
	zh: '请正对屏幕，保持不动',
	en: 'Look straight at the screen and hold still'
};
export const recentrePrompt: Text = { zh: '请回正，正对屏幕', en: 'Face the screen again' };
export const noFacePrompt: Text = { zh: '请将脸放入框内', en: 'Bring your face into the frame' };
export const manyFacesPrompt: Text = { zh: '请确保画面中只有您一人', en: 'Make sure only you are in view' };
export const tooDarkPrompt: Text = { zh: '光线太暗', en: 'Too dark' };
export const donePrompt: Text = { zh: '完成', en: 'Done' };

export function digitsPrompt(digits: string): Text {
	const spaced = digits.split('').join(' ');
	return { zh: `请用普通话读出数字：${spaced}`, en: `Read these digits aloud: ${spaced}` };
}
