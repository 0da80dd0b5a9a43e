// Messages the flow shows when it refuses an event or a check fails (zh-CN first, English second). The flow keeps
// only a notice's code and detail (saved on the phone with the flow); its words come from here when it is shown,
// so a flow resumed after an update shows the current wording in the current language.
import type { Text } from '../text.ts';
import type { Notice, NoticeCode } from './types.ts';

const messages: Record<NoticeCode, Text> = {
	face_consent_required: {
		zh: '人脸识别需要您单独同意；如不同意，可选择到现场确认',
		en: 'Face processing needs your separate consent; otherwise choose on-site confirmation'
	},
	terms_required: {
		zh: '请先阅读并同意用户协议和隐私政策',
		en: 'Please read and accept the terms and privacy policy'
	},
	event_not_allowed: { zh: '当前步骤不能进行此操作', en: 'This is not possible at the current step' },
	side_not_required: { zh: '本省无需上传该面', en: 'This side of the ID card is not needed here' },
	record_mismatch: {
		zh: '身份证信息与报名信息不一致，请核对后重新上传或修改报名信息',
		en: 'The ID card does not match your registration: check it, upload again or correct the registration'
	},
	photo_daily_limit: {
		zh: '今日照片上传次数已用完，请明天再试',
		en: "Today's photo uploads are used up: try again tomorrow"
	},
	photo_noncompliant: {
		zh: '照片不符合要求，请按提示调整后重新上传',
		en: 'The photo does not meet the rules: adjust it and upload again'
	},
	liveness_failed: { zh: '活体检测未通过', en: 'The liveness check failed' },
	face_mismatch: { zh: '人脸与身份证照片不一致', en: 'The face does not match the ID card photo' },
	photo_mismatch: { zh: '照片与本人不一致', en: 'The photo does not match you' },
	identity_check_failed: { zh: '身份认证未通过', en: 'The identity check failed' },
	attempts_exhausted: {
		zh: '验证次数已用完，请选择人工审核或现场确认',
		en: 'No verification attempts left: choose manual review or on-site confirmation'
	},
	incomplete: { zh: '还有步骤未完成', en: 'Some steps are not finished yet' },
	submit_queued: {
		zh: '网络不可用：结果已保存在手机上，联网后会自动提交。',
		en: 'No network: the result is saved on this phone and will be sent when you are back online.'
	},
	submit_retry_later: {
		zh: '服务器暂时无法接收，提交已保存在手机上，请稍后点击“重新提交”',
		en: 'The server cannot take it right now: your submission is saved on this phone; tap "Send again" later'
	},
	submit_redo: {
		zh: '服务器未接受本次提交：请重做此步骤，然后再次提交。其他已完成的内容仍保存在手机上',
		en: 'The server did not accept the submission: redo this step, then submit again. Everything else is still saved on this phone'
	},
	submit_refused: {
		zh: '服务器未接受本次提交，重新提交也无法通过。您的结果仍保存在手机上，请联系当地自考办（区县招生考试机构）处理',
		en: 'The server did not accept the submission and sending it again cannot succeed. Your results are still on this phone: contact your local self-study exam office'
	},
	retry_step_not_allowed: { zh: '不能从该步骤重新开始', en: 'You cannot restart from that step' }
};

export function notice(code: NoticeCode, detail?: Notice['detail']): Notice {
	return detail ? { code, detail } : { code };
}

/** A notice's words; a notice saved by an older version (with its words inside) is shown with today's. */
export const noticeText = (n: Pick<Notice, 'code'>): Text => messages[n.code];

/** The code and detail of a saved notice; null for a code this version does not know. */
export function savedNotice(value: unknown): Notice | null {
	if (!value || typeof value !== 'object') return null;
	const { code, detail } = value as Partial<Notice>;
	if (typeof code !== 'string' || !Object.prototype.hasOwnProperty.call(messages, code)) return null;
	return notice(code, detail && typeof detail === 'object' ? detail : undefined);
}
