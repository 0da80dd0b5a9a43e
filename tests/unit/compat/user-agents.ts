// Real user-agent strings, one list per family, with where each was quoted. "ua-parser-js" means the test data of
// the ua-parser-js project (github.com/faisalman/ua-parser-js, test/data/ua/browser/browser-all.json and
// test/data/ua/os/*.json, as of its May 2026 snapshot). DingTalk, Douyin and the newer WeChat strings are absent
// there; those are copied from public GitHub projects that send them as request headers, named per entry.
import type { BrowserFamily, Engine, Os } from '../../../src/lib/core/compat/index.ts';

export interface UaCase {
	ua: string;
	family: BrowserFamily;
	os: Os;
	engine: Engine;
	inApp: boolean;
	source: string;
}

const P = 'ua-parser-js';

export const USER_AGENTS: readonly UaCase[] = [
	// WeChat: iOS WKWebView, Android's old X5/TBS kernel, Android XWEB, Windows.
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 8_4_1 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Mobile/12H321 MicroMessenger/6.3.6 NetType/WIFI Language/zh_CN',
		family: 'wechat',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 5.1; zh-cn; Lenovo K50-t5 Build/LMY47D) AppleWebKit/533.1 (KHTML, like Gecko)Version/4.0 MQQBrowser/5.4 TBS/025478 Mobile Safari/533.1 MicroMessenger/6.3.5.50_r1573191.640 NetType/WIFI Language/zh_CN',
		family: 'wechat',
		os: 'android',
		engine: 'webkit',
		inApp: true,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230303 MMWEBID/6973 MicroMessenger/8.0.34.2340(0x2800225B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
		family: 'wechat',
		os: 'android',
		engine: 'blink',
		inApp: true,
		source: 'a public Selenium script (mobile emulation UA)'
	},
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.31(0x18001f2e) NetType/4G Language/en',
		family: 'wechat',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: 'a public web client (request header)'
	},
	{
		ua: 'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 MicroMessenger/6.5.2.501 NetType/WIFI WindowsWechat QBCore/3.43.901.400 QQBrowser/9.0.2524.400',
		family: 'wechat',
		os: 'windows',
		engine: 'blink',
		inApp: true,
		source: P
	},
	// Alipay (Fujian's guide sends candidates through it).
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 10; zh-CN; V2034A Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.33 Mobile Safari/537.36 UCBS/3.22.2.33_211025173018 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|2.0) AliApp(AP/10.2.51.7100) AlipayClient/10.2.51.7100 Language/zh-Hans useStatusBar/true isConcaveScreen/true Region/CNAriver/1.0.0',
		family: 'alipay',
		os: 'android',
		engine: 'blink',
		inApp: true,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; Android 10; VOG-AL00 Build/HUAWEIVOG-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/105.0.5195.148 MYWeb/0.2.103.0_20230131112530 UWS/3.22.2.9999 UCBS/3.22.2.9999_220000000000 Mobile Safari/537.36 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|3.0) AliApp(AP/10.3.50.9999) AlipayClient/10.3.50.9999 Language/en isConcaveScreen/true Region/CN ProductType/devAriver/1.0.0',
		family: 'alipay',
		os: 'android',
		engine: 'blink',
		inApp: true,
		source: P
	},
	// QQ's in-app browser.
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 10_0_2 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) Mobile/14A456 QQ/6.5.3.410 V1_IPH_SQ_6.5.3_1_APP_A Pixel/1080 Core/UIWebView NetType/WIFI Mem/26',
		family: 'qq',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; Android 6.0; PRO 6 Build/MRA58K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/37.0.0.0 Mobile MQQBrowser/6.8 TBS/036824 Safari/537.36 V1_AND_SQ_6.5.8_422_YYB_D PA QQ/6.5.8.2910 NetType/WIFI WebP/0.3.0 Pixel/1080',
		family: 'qq',
		os: 'android',
		engine: 'blink',
		inApp: true,
		source: P
	},
	// DingTalk.
	{
		ua: 'Mozilla/5.0 (Linux; Android 11; Pixel 4 XL Build/RQ3A.210705.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/83.0.4103.106 Mobile Safari/537.36 AliApp(DingTalk/5.1.5) com.alibaba.android.rimet/13534898 Channel/212200 language/zh-CN UT4Aplus/0.2.25 colorScheme/light',
		family: 'dingtalk',
		os: 'android',
		engine: 'blink',
		inApp: true,
		source: 'a public campus check-in script (request header)'
	},
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 26_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/23E246 AliApp(DingTalk/7.8.1) com.laiwang.DingTalk/46766536 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK',
		family: 'dingtalk',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: 'a public booking script (curl command)'
	},
	// Weibo.
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16A366 Weibo (iPhone8,2__weibo__8.9.3__iphone__os12.0)',
		family: 'weibo',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: P
	},
	// Douyin (and ByteDance's international app, whose web view says the same).
	{
		ua: 'Mozilla/5.0 (Linux; Android 12; M2102J2SC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/75.0.3770.156 Mobile Safari/537.36 aweme_210600 JsSdk/1.0 NetType/4G Channel/xiaomi_1128_64 AppName/aweme app_version/21.6.0 ByteLocale/zh-CN Region/CN AppSkin/black AppTheme/dark BytedanceWebview/d8a21c6 TTWebView/0751130025454',
		family: 'douyin',
		os: 'android',
		engine: 'blink',
		inApp: true,
		source: 'a public crawler (request header constants)'
	},
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_21.1.0 JsSdk/2.0 NetType/4G Channel/App Store ByteLocale/ru Region/RU ByteFullLocale/ru-RU isDarkMode/1 WKWebView/1 BytedanceWebview/d8a21c6',
		family: 'douyin',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: P
	},
	// UC Browser.
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 10; en-US; AGR-L09 Build/HUAWEIAGR-L09) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.3.8.1305 Mobile Safari/537.36',
		family: 'uc',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 6.0.1; en-US; Lenovo P2a42 Build/MMB29M) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 UCBrowser/11.2.0.915 U3/0.8.0 Mobile Safari/534.30',
		family: 'uc',
		os: 'android',
		engine: 'webkit',
		inApp: false,
		source: P
	},
	// QQ Browser.
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 12; zh-cn; DBY-W09 Build/HUAWEIDBY-W09) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.6 Mobile Safari/537.36 COVC/046801',
		family: 'qq_browser',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 9; zh-cn; vivo X21 Build/PKQ1.180819.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/66.0.3359.126 MQQBrowser/9.9 Mobile Safari/537.36',
		family: 'qq_browser',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	// Huawei Browser on Android and on HarmonyOS 2-4 (Android-compatible), and HarmonyOS NEXT's ArkWeb.
	{
		ua: 'Mozilla/5.0 (Linux; Android 6.0.1; LYA-AL00 ) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.64 HuaweiBrowser/10.0.3.102 Mobile Safari/537.36',
		family: 'huawei',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; Android 10; HarmonyOS; BAH3-W09; HMSCore 6.14.0.322) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.4.312 Mobile Safari/537.36',
		family: 'huawei',
		os: 'harmonyos',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Phone; OpenHarmony 4.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile',
		family: 'arkweb',
		os: 'harmonyos',
		engine: 'arkweb',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (PC; OpenHarmony 5.0; HarmonyOS 5.0) AppleWebKit/537.36 (KHTML,like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Browser/harmony360Browser/1.0.0',
		family: 'arkweb',
		os: 'harmonyos',
		engine: 'arkweb',
		inApp: false,
		source: P
	},
	// Xiaomi, vivo and OPPO (HeyTap) browsers.
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 11; zh-cn; MI CC 9 Build/RKQ1.200826.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.116 Mobile Safari/537.36 XiaoMi/MiuiBrowser/15.5.18',
		family: 'xiaomi',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; Android 13; 23049RAD8C; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/87.0.4280.141 Mobile Safari/537.36 VivoBrowser/16.7.1.1',
		family: 'vivo',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Linux; U; Android 15; zh-cn; PGKM10 Build/AP3A.240617.008) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/115.0.5790.168 Mobile Safari/537.36 HeyTapBrowser/40.9.6.2',
		family: 'oppo',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	// iOS: Safari, another app's WKWebView, Chrome and Firefox on iOS (WebKit underneath).
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
		family: 'safari',
		os: 'ios',
		engine: 'webkit',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 13_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Zalo/20.05.01 Mobile/15E148',
		family: 'ios_webview',
		os: 'ios',
		engine: 'webkit',
		inApp: true,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/112.0 Mobile/15E148 Safari/605.1.15',
		family: 'firefox',
		os: 'ios',
		engine: 'webkit',
		inApp: false,
		source: P
	},
	// Chrome, Edge and Firefox elsewhere.
	{
		ua: 'Mozilla/5.0 (Linux; Android 10; Infinix X657C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/105.0.0.0 Mobile Safari/537.36',
		family: 'chrome',
		os: 'android',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.48 Safari/537.36 Edg/74.1.96.24',
		family: 'edge',
		os: 'windows',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Android 12; HarmonyOS 4.0.0.118; OXF-AN00 Build/HUAWEIOXF-AN00; HMSCore 6.13.0.302; wv) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36 EdgA/125.0.0.0 Language/zh_TW ABI/arm64-v8a',
		family: 'edge',
		os: 'harmonyos',
		engine: 'blink',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Android 11; Mobile; Lenovo YT-X705X; rv:129.0) Gecko/129.0 Firefox/129.0',
		family: 'firefox',
		os: 'android',
		engine: 'gecko',
		inApp: false,
		source: P
	},
	{
		ua: 'Mozilla/5.0 (Kubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
		family: 'firefox',
		os: 'linux',
		engine: 'gecko',
		inApp: false,
		source: P
	}
];
