// The steps of one card reading, in order, as the phone shows them while the OCR worker reads: on a slow phone a
// side takes several seconds, and the candidate sees which step it is on instead of one unchanging line.
import type { Text } from '../text.ts';

export const READ_STAGES = ['locate', 'detect', 'recognize', 'check'] as const;
export type ReadStage = (typeof READ_STAGES)[number];

export const READ_STAGE_LABELS: Record<ReadStage, Text> = {
	locate: { zh: '正在定位证件', en: 'Finding the card' },
	detect: { zh: '正在查找文字', en: 'Finding the text' },
	recognize: { zh: '正在识别文字', en: 'Reading the text' },
	check: { zh: '正在核对信息', en: 'Checking the details' }
};
