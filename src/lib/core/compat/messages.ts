// The words of the compatibility check, zh-CN first: one place for what the candidate and the reviewer read.
import type { Alternative, Missing } from './decide.ts';
import type { BrowserFamily } from './user-agent.ts';

import type { Text } from '../text.ts';

export const FAMILY_NAMES: Record<BrowserFamily, Text> = {
	wechat: { zh: '微信', en: 'WeChat' },
	alipay: { zh: '支付宝', en: 'Alipay' },
	qq: { zh: 'QQ', en: 'QQ' },
	dingtalk: { zh: '钉钉', en: 'DingTalk' },
	weibo: { zh: '微博', en: 'Weibo' },
	douyin: { zh: '抖音', en: 'Douyin' },
	uc: { zh: 'UC 浏览器', en: 'UC Browser' },
	qq_browser: { zh: 'QQ 浏览器', en: 'QQ Browser' },
	huawei: { zh: '华为浏览器', en: 'Huawei Browser' },
	xiaomi: { zh: '小米浏览器', en: 'Xiaomi Browser' },
	vivo: { zh: 'vivo 浏览器', en: 'vivo Browser' },
	oppo: { zh: 'OPPO 浏览器', en: 'OPPO Browser' },
	arkweb: { zh: '鸿蒙浏览器（ArkWeb）', en: 'HarmonyOS browser (ArkWeb)' },
	safari: { zh: 'Safari', en: 'Safari' },
	ios_webview: { zh: 'iPhone 应用内浏览器', en: 'an iPhone app’s built-in browser' },
	chrome: { zh: 'Chrome', en: 'Chrome' },
	edge: { zh: 'Edge', en: 'Edge' },
	firefox: { zh: 'Firefox', en: 'Firefox' },
	other: { zh: '此浏览器', en: 'this browser' }
};

export const MISSING_MESSAGES: Record<Missing, Text> = {
	camera_api: {
		zh: '此浏览器不能使用摄像头，无法拍摄证件和人脸。',
		en: 'This browser cannot use the camera, so the ID card and face cannot be captured.'
	},
	camera_none: { zh: '没有找到摄像头。', en: 'No camera was found.' },
	camera_denied: {
		zh: '摄像头权限已被拒绝。请在浏览器或系统设置中允许使用摄像头，然后刷新本页。',
		en: 'Camera permission was refused. Allow the camera in the browser or system settings, then reload this page.'
	},
	microphone_none: {
		zh: '没有找到麦克风，本省的活体检测需要朗读数字并录音。',
		en: 'No microphone was found; this province’s liveness check records you reading digits aloud.'
	},
	microphone_denied: {
		zh: '麦克风权限已被拒绝。请在设置中允许使用麦克风，然后刷新本页。',
		en: 'Microphone permission was refused. Allow the microphone in the settings, then reload this page.'
	},
	wasm: {
		zh: '此浏览器不支持 WebAssembly，无法在手机上运行识别模型。',
		en: 'This browser has no WebAssembly, so the recognition models cannot run on the phone.'
	},
	simd: {
		zh: '此浏览器内核较旧（不支持 WebAssembly SIMD），无法在手机上运行识别模型。',
		en: 'This browser’s engine is too old (no WebAssembly SIMD) to run the recognition models on the phone.'
	},
	worker: {
		zh: '此浏览器不支持后台计算（Web Worker），无法运行识别模型。',
		en: 'This browser has no Web Workers, so the recognition models cannot run.'
	}
};

export const ALTERNATIVE_MESSAGES: Record<Alternative, Text> = {
	system_browser: {
		zh: '点击右上角 ··· 选择在浏览器打开，用手机自带的浏览器继续（本链接仍然有效）。',
		en: 'Tap ··· at the top right and choose “Open in browser” to go on in the phone’s own browser (this link stays valid).'
	},
	other_phone: {
		zh: '换一部手机：在电脑上重新生成二维码，用另一部手机的浏览器扫码。',
		en: 'Use another phone: make a new QR code on the PC and scan it with another phone’s browser.'
	},
	on_site: {
		zh: '到考试机构现场确认，由工作人员协助完成。',
		en: 'Confirm on site at the exam office, where staff help you.'
	}
};

export const LIGHT_MODE_MESSAGE: Text = {
	zh: '此手机内存较小，将使用轻量模式（较小的证件画面、单线程识别），识别可能稍慢。',
	en: 'This phone has little memory: the light mode is used (smaller ID card frames, one recognition thread), which may be a little slower.'
};

export const OPEN_IN_BROWSER_TITLE: Text = {
	zh: '请在浏览器中打开',
	en: 'Please open this page in a browser'
};

export const IOS_INSTALL_MESSAGE: Text = {
	zh: '可添加到主屏幕：点击底部的“分享”按钮，选择“添加到主屏幕”。',
	en: 'To add it to the home screen: tap Share at the bottom, then “Add to Home Screen”.'
};

/** What the reviewer reads for the check's outcome. */
export const PATH_LABELS: Record<'go' | 'light' | 'blocked', Text> = {
	go: { zh: '正常模式', en: 'Normal mode' },
	light: { zh: '轻量模式', en: 'Light mode' },
	blocked: { zh: '不满足条件', en: 'Not supported' }
};
