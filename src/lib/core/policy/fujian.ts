// Fujian (福建): from the province's guide
// "福建省自学考试新生网上报名远程移动端人脸识别及身份信息采集实名认证个人信息确认操作指南".
import { BLUE_REGISTRATION_PHOTO, DEFAULT_THRESHOLDS, LIVE_STILL } from './thresholds.ts';
import type { ProvincePolicy } from './types.ts';

/** 经报考系统后台工作人员进行合规审验后(时间不超过 24 小时): the audit queue's target and the dashboard's line. */
const ANSWER_WITHIN_HOURS = 24;

export const fujian: ProvincePolicy = {
	id: 'fujian',
	name: { zh: '福建省', en: 'Fujian' },
	// 第一步/第二步: the PC platform shows a QR code once the pre-registration photo is approved; the phone scans it.
	login: ['pc-qr'],
	steps: [
		'consent',
		// 第三步: 考生核对本人网上报名信息确认表，勾选确认并开始认证.
		'confirm_record',
		// 第四步: 拍摄或上传本人二代身份证正、反面.
		'id_capture',
		// 第五步: 采集本人人脸完成身份认证 (action liveness per issue 6).
		'liveness',
		'review'
	],
	idSides: ['portrait', 'emblem'],
	// The guide does not name the actions; issue 6 asks for action liveness, two actions by default.
	liveness: {
		kind: 'actions',
		count: 2,
		pool: ['blink', 'turn_left', 'turn_right', 'raise_head', 'lower_head', 'open_mouth'],
		stepTimeoutMs: 10_000
	},
	// The registration photo is uploaded and approved during pre-registration on the PC site (第一步), not in this
	// flow; the face capture's still goes with the bundle so the server can match it with that approved photo.
	photo: { kind: 'live_still', spec: LIVE_STILL },
	// The guide states no attempt or upload limit.
	limits: { attempts: null, photoUploadsPerDay: null },
	signatureRequired: false,
	successSms: null,
	// The guide does not say; retry the step that failed.
	retryFrom: 'failed_step',
	onSiteAlternative: true,
	thresholds: DEFAULT_THRESHOLDS,
	// The office's approved pre-registration photo (source pre_registration) is the reference.
	serverEvidence: { authority: false, trustDevice: false, clearMatch: null },
	// 第一步: 提交本人符合规格的报名照片 ... 经报考系统后台工作人员进行合规审验后(时间不超过 24 小时), then the QR
	// code once approved. The guide gives no daily upload limit; five lets a rejected candidate retry the same day.
	preRegistration: {
		photo: BLUE_REGISTRATION_PHOTO,
		auditTargetHours: ANSWER_WITHIN_HOURS,
		uploadsPerDay: 5
	},
	source: '《福建省自学考试新生网上报名远程移动端人脸识别及身份信息采集实名认证个人信息确认操作指南》',
	// The office's published channel; an office adopting the templates confirms name, contact and retention.
	office: {
		name: { zh: '福建省教育考试院', en: 'Fujian Provincial Education Examinations Authority' },
		contact: {
			zh: '福建省教育考试院官方网站 www.eeafj.cn 公布的自学考试咨询电话',
			en: 'the self-study examination help line published on www.eeafj.cn'
		},
		retentionDays: 180,
		// The guide promises an answer on the pre-registration photo within 24 hours.
		reviewTargetHours: ANSWER_WITHIN_HOURS
	}
};
