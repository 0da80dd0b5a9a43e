// The dashboard's browser mix (zv_client_family, in SQL so the counters are kept inside the recording transactions)
// and the phone's browser check (src/lib/core/compat) answer alike on every real user-agent string of the unit
// tests, on PGlite and, with DATABASE_URL, PostgreSQL.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classifyUserAgent, type BrowserFamily, type Os } from '../../src/lib/core/compat/index.ts';
import { USER_AGENTS } from '../unit/compat/user-agents.ts';
import { testDatabase, type TestDatabase } from './db.ts';

let handle: TestDatabase;
beforeAll(async () => {
	handle = await testDatabase();
});
afterAll(() => handle.close());

/** The dashboard's labels (no slash: the chart splits "family/OS"). */
const FAMILY: Record<BrowserFamily, string> = {
	wechat: 'WeChat',
	alipay: 'Alipay',
	qq: 'QQ',
	dingtalk: 'DingTalk',
	weibo: 'Weibo',
	douyin: 'Douyin',
	uc: 'UC',
	qq_browser: 'QQ Browser',
	huawei: 'Huawei',
	xiaomi: 'Xiaomi',
	vivo: 'vivo',
	oppo: 'OPPO',
	arkweb: 'ArkWeb',
	safari: 'Safari',
	ios_webview: 'iOS WebView',
	chrome: 'Chrome',
	edge: 'Edge',
	firefox: 'Firefox',
	other: 'other'
};
const OS: Record<Os, string> = {
	android: 'Android',
	ios: 'iOS',
	harmonyos: 'HarmonyOS',
	windows: 'Windows',
	macos: 'macOS',
	linux: 'Linux',
	other: 'other'
};

it('zv_client_family gives the family and OS the browser check gives, for every string', async () => {
	const strings = [...USER_AGENTS.map((c) => c.ua), 'curl/8.5.0', ''];
	for (const ua of strings) {
		const { rows } = await sql<{ family: string }>`select zv_client_family(${ua}) as family`.execute(
			handle.db
		);
		const c = classifyUserAgent(ua);
		expect(rows[0].family, ua).toBe(`${FAMILY[c.family]}/${OS[c.os]}`);
	}
});
