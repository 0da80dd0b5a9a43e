// What a user-agent string says about the browser a candidate opened the link in: the family (in-app browsers of
// the apps that share links in China, the domestic Android browsers, iOS Safari and its web views, the big desktop
// and Android browsers), its engine and OS. Nothing finer (no version, no device model): enough to word the
// guidance and count the mix, never a fingerprint. Capabilities are probed, not guessed from here.

export const BROWSER_FAMILIES = [
	'wechat',
	'alipay',
	'qq',
	'dingtalk',
	'weibo',
	'douyin',
	'uc',
	'qq_browser',
	'huawei',
	'xiaomi',
	'vivo',
	'oppo',
	'arkweb',
	'safari',
	'ios_webview',
	'chrome',
	'edge',
	'firefox',
	'other'
] as const;
export type BrowserFamily = (typeof BROWSER_FAMILIES)[number];

export const ENGINES = ['blink', 'webkit', 'arkweb', 'gecko', 'unknown'] as const;
export type Engine = (typeof ENGINES)[number];

export const OSES = ['android', 'ios', 'harmonyos', 'windows', 'macos', 'linux', 'other'] as const;
export type Os = (typeof OSES)[number];

export interface ClientClass {
	family: BrowserFamily;
	engine: Engine;
	os: Os;
	/** A web view inside an app (WeChat, Alipay, …, or any iOS app's WKWebView): no install, often no camera. */
	inApp: boolean;
}

/** The apps whose web view opens links; checked first, since their strings also carry a browser's tokens. */
const IN_APP: readonly [BrowserFamily, RegExp][] = [
	['wechat', /MicroMessenger\//i],
	['dingtalk', /DingTalk\//i],
	['alipay', /AlipayClient\/|AliApp\(AP\//i],
	['douyin', /AppName\/aweme|\baweme_|BytedanceWebview/i],
	['weibo', /__weibo__|\bWeibo\b/i],
	['qq', /(?:^|[\s;(])QQ\/\d/]
];

/** Stand-alone browsers, most specific token first (every Chromium-based one also says Chrome/). */
const BROWSERS: readonly [BrowserFamily, RegExp][] = [
	['uc', /UCBrowser|UCWEB/i],
	['qq_browser', /MQQBrowser\/|QQBrowser\//i],
	['huawei', /HuaweiBrowser\//i],
	['xiaomi', /MiuiBrowser\//i],
	['vivo', /VivoBrowser\//i],
	['oppo', /HeyTapBrowser\/|OppoBrowser\//i],
	['edge', /Edg(?:e|A|iOS)?\//],
	['firefox', /Firefox\/|FxiOS\//],
	['arkweb', /ArkWeb\//],
	['chrome', /Chrome\/|CriOS\//]
];

function osOf(ua: string): Os {
	if (/iPhone|iPad|iPod/.test(ua)) return 'ios';
	if (/OpenHarmony|HarmonyOS/i.test(ua)) return 'harmonyos';
	if (/Android/i.test(ua)) return 'android';
	if (/Windows/.test(ua)) return 'windows';
	if (/Mac OS X|Macintosh/.test(ua)) return 'macos';
	if (/Linux|X11/.test(ua)) return 'linux';
	return 'other';
}

function engineOf(ua: string, os: Os): Engine {
	// Every browser on iOS uses the system WebKit, whatever its name; HarmonyOS NEXT's engine names itself.
	if (os === 'ios') return 'webkit';
	if (/ArkWeb\//.test(ua)) return 'arkweb';
	if (/Gecko\/\d/.test(ua) && /Firefox\//.test(ua)) return 'gecko';
	if (/Chrome\/\d/.test(ua)) return 'blink';
	if (/AppleWebKit\//.test(ua)) return 'webkit';
	return 'unknown';
}

export function classifyUserAgent(ua: string): ClientClass {
	const os = osOf(ua);
	const engine = engineOf(ua, os);
	const app = IN_APP.find(([, re]) => re.test(ua));
	if (app) return { family: app[0], engine, os, inApp: true };
	const browser = BROWSERS.find(([, re]) => re.test(ua));
	if (browser) return { family: browser[0], engine, os, inApp: false };
	if (os === 'ios') {
		// Safari says Version/… Safari/…; an app's WKWebView leaves both out.
		const safari = /Version\/[\d.]+.*Safari\//.test(ua);
		return { family: safari ? 'safari' : 'ios_webview', engine, os, inApp: !safari };
	}
	if (/Version\/[\d.]+.*Safari\//.test(ua) && os === 'macos')
		return { family: 'safari', engine, os, inApp: false };
	return { family: 'other', engine, os, inApp: false };
}
