// Names of the flow's steps and end states as the candidate reads them.
import type { Text } from '../../core/text.ts';
import type { FlowStatus } from '$lib/core/flow';

export const stepNames: Record<FlowStatus, Text> = {
	consent: { zh: '阅读并同意', en: 'Consent' },
	confirm_record: { zh: '核对报名信息', en: 'Check your record' },
	id_capture: { zh: '拍摄身份证', en: 'ID card' },
	liveness: { zh: '人脸活体检测', en: 'Liveness check' },
	photo: { zh: '报名照片', en: 'Registration photo' },
	signature: { zh: '手写签名', en: 'Signature' },
	review: { zh: '确认并提交', en: 'Review and submit' },
	submitting: { zh: '正在提交', en: 'Submitting' },
	done: { zh: '完成', en: 'Done' },
	attempt_failed: { zh: '验证未通过', en: 'Verification failed' },
	manual_review: { zh: '人工审核', en: 'Manual review' },
	contact_office: { zh: '联系考试机构', en: 'Contact the exam office' },
	on_site: { zh: '现场确认', en: 'On-site confirmation' }
};
