// Hubei (湖北): from the province's guides 附件3《考生注册与身份确认流程》 and 《考生注册线上确认操作指南》
// (with the flow chart text at its end).
import { BLUE_REGISTRATION_PHOTO, DEFAULT_THRESHOLDS } from './thresholds.ts';
import type { ProvincePolicy } from './types.ts';

export const hubei: ProvincePolicy = {
	id: 'hubei',
	name: { zh: '湖北省', en: 'Hubei' },
	// 003 第一步(2): 微信扫描手机网页版二维码 (QR from the PC platform) 或者 ... 下载安装"湖北自考"APP.
	login: ['pc-qr', 'app-link'],
	steps: [
		'consent',
		// 001 第二步(1): 点击身份验证按钮，输入基本信息核对个人信息.
		'confirm_record',
		// 001 第三步(1)-(2): 拍摄身份证人像面 (the side with the portrait and personal data).
		'id_capture',
		// 001 第三步(3)-(4): 记住需要朗读的数字 ... 用普通话录制一段3—5秒的视频.
		'liveness',
		// 001 第四步: 上传准考证相片 (blue registration photo), compared with the ID portrait.
		'photo',
		// 001 第五步: 签名确认.
		'signature',
		'review'
	],
	idSides: ['portrait'],
	// 001 第三步(4): 3—5 s clip; 003 flow chart: 清晰地读出展示的数字，4秒后结束录制. The number of digits is not given;
	// 4 keeps the clip within 3-5 s at a normal reading pace.
	liveness: { kind: 'digits', length: 4, clipMinMs: 3000, clipMaxMs: 5000 },
	photo: {
		kind: 'upload',
		spec: BLUE_REGISTRATION_PHOTO,
		// 003 flow chart: 上传照片和身份证相片比对.
		compareWith: ['id_portrait'],
		showProcessed: false
	},
	limits: {
		// 001 三、1.网上验证: 验证最多只有三次。网上验证不通过的考生，请进行现场确认; 第四步(2): 可选择"重新验证"或"人工审核".
		attempts: {
			max: 3,
			counts: ['liveness', 'face_match', 'photo_match'],
			then: ['manual_review', 'on_site']
		},
		photoUploadsPerDay: null
	},
	// 001 第五步: 在上图中手写签名.
	signatureRequired: true,
	// 001 第五步(3): 考生已绑定手机号将收到准考证号和随机8位数字密码短信.
	successSms: { admissionNumber: true, passwordDigits: 8 },
	// 001 第三步(5) / 验证失败: 退出重新上传身份证及视频 (back to the ID capture).
	retryFrom: 'id_capture',
	onSiteAlternative: true,
	thresholds: DEFAULT_THRESHOLDS,
	// The previous registration's photo or one the office obtained from the authority is the reference.
	// No pre-registration photo in the guide.
	preRegistration: null,
	serverEvidence: { authority: false, trustDevice: false, clearMatch: null },
	source: '湖北省 附件3《考生注册与身份确认流程》；《考生注册线上确认操作指南》',
	// The office's published channel; an office adopting the templates confirms name, contact and retention.
	office: {
		name: { zh: '湖北省教育考试院', en: 'Hubei Education Examinations Authority' },
		contact: {
			zh: '湖北省教育考试院官方网站 www.hbea.edu.cn 公布的自学考试咨询电话',
			en: 'the self-study examination help line published on www.hbea.edu.cn'
		},
		retentionDays: 180,
		reviewTargetHours: null
	}
};
