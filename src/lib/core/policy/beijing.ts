// Beijing (北京): from the province's guide 附件1《北京市自学考试照片采集流程》.
import { AUTHORITY_MATCH, BLUE_REGISTRATION_PHOTO, DEFAULT_THRESHOLDS } from './thresholds.ts';
import type { ProvincePolicy } from './types.ts';

export const beijing: ProvincePolicy = {
	id: 'beijing',
	name: { zh: '北京市', en: 'Beijing' },
	// 二、登录采集系统: 手机号 + 短信验证码.
	login: ['sms-code'],
	steps: [
		// 二(登录页): 已阅读并同意《用户协议》、《隐私政策》; 五(一): 勾选阅读并同意"用户隐私协议".
		'consent',
		// 三(一)-(二): 上传人像面 and 国徽面.
		'id_capture',
		// 三(四)-(六): 核对信息 ... 比对考生报名时填报的信息与身份证的识别信息.
		'confirm_record',
		// 四、人像采集: photo upload, checked, processed "输出照片" shown before 满意并提交.
		'photo',
		// 五(三): 动作认证 ... 完成至少 2 项认证动作，可能为眨眼，左右转头，抬头低头等.
		'liveness',
		'review'
	],
	idSides: ['portrait', 'emblem'],
	liveness: {
		kind: 'actions',
		count: 2,
		pool: ['blink', 'turn_left', 'turn_right', 'raise_head', 'lower_head'],
		stepTimeoutMs: 10_000
	},
	// The guide gives no pixel spec; the processed output photo follows the same blue registration spec.
	photo: {
		kind: 'upload',
		spec: BLUE_REGISTRATION_PHOTO,
		// 五(三) 请注意: 上传人像证件照与动作认证对比.
		compareWith: ['live_face'],
		showProcessed: true
	},
	limits: {
		// 五(三) 请注意: 对比失败 +1, 公安部身份认证失败 +1, 当失败次数达到5次时，将不允许继续采集，需联系自考办说明情况.
		// The live face against the ID card portrait is a comparison too (face_match): uncounted, a stand-in holding
		// the candidate's card could retry it without end.
		attempts: {
			max: 5,
			counts: ['liveness', 'face_match', 'photo_match', 'identity_check'],
			then: ['contact_office']
		},
		// 四、注意: 每天人像采集最大次数为 15 次 ... 次日凌晨重置次数.
		photoUploadsPerDay: 15
	},
	signatureRequired: false,
	successSms: null,
	// 五(六): 重新认证 / 重新采集照片 / 重新上传身份证: the candidate picks; by default the step that failed.
	retryFrom: 'failed_step',
	onSiteAlternative: true,
	thresholds: DEFAULT_THRESHOLDS,
	// 五(三) 请注意: 公安部身份认证 — the photo is checked with the identity authority.
	// No pre-registration photo in the guide.
	preRegistration: null,
	serverEvidence: { authority: { threshold: AUTHORITY_MATCH }, trustDevice: false, clearMatch: null },
	source: '附件1《北京市自学考试照片采集流程》',
	// The office's published channel; an office adopting the templates confirms name, contact and retention.
	office: {
		name: { zh: '北京教育考试院', en: 'Beijing Education Examinations Authority' },
		contact: {
			zh: '北京教育考试院官方网站 www.bjeea.cn 公布的自学考试咨询电话',
			en: 'the self-study examination help line published on www.bjeea.cn'
		},
		retentionDays: 180,
		reviewTargetHours: null
	}
};
