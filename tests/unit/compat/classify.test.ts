// The user-agent classification on real strings of each family (./user-agents.ts says where each comes from), and
// the decision from capabilities to the candidate's path.
import { describe, expect, it } from 'vitest';
import {
	BROWSER_FAMILIES,
	classifyUserAgent,
	CompatReportSchema,
	compatReport,
	decideCompat,
	FAMILY_NAMES,
	antiSpoofApart,
	inferenceThreads,
	LIGHT_MEMORY_GB,
	readCompatReport,
	type Capabilities
} from '../../../src/lib/core/compat/index.ts';
import * as v from 'valibot';
import { BundlePayloadSchema } from '../../../src/lib/core/bundle/schema.ts';
import { USER_AGENTS } from './user-agents.ts';

describe('classifyUserAgent on real strings', () => {
	it.each(USER_AGENTS.map((c) => [`${c.family} / ${c.os}: ${c.ua.slice(0, 70)}…`, c] as const))(
		'%s',
		(_name, c) => {
			expect(classifyUserAgent(c.ua)).toEqual({
				family: c.family,
				engine: c.engine,
				os: c.os,
				inApp: c.inApp
			});
		}
	);

	it('has strings for every family the issue names, and a name in both languages for each', () => {
		const named = [
			'wechat',
			'alipay',
			'qq',
			'dingtalk',
			'weibo',
			'douyin',
			'uc',
			'qq_browser',
			'huawei',
			'arkweb',
			'xiaomi',
			'vivo',
			'oppo',
			'safari',
			'ios_webview',
			'chrome',
			'edge',
			'firefox'
		];
		for (const family of named) expect(USER_AGENTS.some((c) => c.family === family)).toBe(true);
		for (const family of BROWSER_FAMILIES) {
			expect(FAMILY_NAMES[family].zh).toBeTruthy();
			expect(FAMILY_NAMES[family].en).toBeTruthy();
		}
	});

	it('says "other" for what it does not know, and never a version or a device model', () => {
		expect(classifyUserAgent('curl/8.5.0')).toEqual({
			family: 'other',
			engine: 'unknown',
			os: 'other',
			inApp: false
		});
		const c = classifyUserAgent(USER_AGENTS[0].ua);
		expect(Object.keys(c).sort()).toEqual(['engine', 'family', 'inApp', 'os']);
	});
});

const FULL: Capabilities = {
	cameraApi: true,
	cameras: 2,
	cameraPermission: 'prompt',
	microphones: 1,
	microphonePermission: 'prompt',
	wasm: true,
	simd: true,
	threads: false,
	worker: true,
	deviceMemoryGb: 8,
	storageFreeMb: 2048,
	webgpu: false
};
const chrome = classifyUserAgent(USER_AGENTS.find((c) => c.family === 'chrome')!.ua);
const wechat = classifyUserAgent(USER_AGENTS.find((c) => c.family === 'wechat')!.ua);
const safari = classifyUserAgent(USER_AGENTS.find((c) => c.family === 'safari')!.ua);
const arkweb = classifyUserAgent(USER_AGENTS.find((c) => c.family === 'arkweb')!.ua);

describe('decideCompat', () => {
	it('lets a capable browser go on, with or without threads (one thread is the fallback)', () => {
		const d = decideCompat(chrome, FULL, { microphone: false });
		expect(d).toMatchObject({ path: 'go', missing: [], light: [], openElsewhere: false, alternatives: [] });
		expect(decideCompat(chrome, { ...FULL, threads: true }, { microphone: false }).path).toBe('go');
	});

	it('treats ArkWeb as a supported engine: the same answer as Chrome with the same capabilities', () => {
		expect(decideCompat(arkweb, FULL, { microphone: true })).toEqual(
			decideCompat(chrome, FULL, { microphone: true })
		);
	});

	it('sends an in-app browser without a camera to the system browser, with the other alternatives', () => {
		const d = decideCompat(wechat, { ...FULL, cameraApi: false }, { microphone: false });
		expect(d).toMatchObject({
			path: 'blocked',
			missing: ['camera_api'],
			openElsewhere: true,
			alternatives: ['system_browser', 'other_phone', 'on_site']
		});
		expect(decideCompat(wechat, FULL, { microphone: false }).path).toBe('go');
	});

	it('explains a system browser without getUserMedia, SIMD, WebAssembly or workers, offering another phone or on site', () => {
		for (const [gap, code] of [
			[{ cameraApi: false }, 'camera_api'],
			[{ cameras: 0 }, 'camera_none'],
			[{ cameraPermission: 'denied' as const }, 'camera_denied'],
			[{ simd: false }, 'simd'],
			[{ wasm: false, simd: false }, 'wasm'],
			[{ worker: false }, 'worker']
		] as const) {
			const d = decideCompat(chrome, { ...FULL, ...gap }, { microphone: false });
			expect(d.path).toBe('blocked');
			expect(d.missing).toEqual([code]);
			expect(d.openElsewhere).toBe(false);
			expect(d.alternatives).toEqual(['other_phone', 'on_site']);
		}
	});

	it('asks for the microphone only where the province records digits read aloud', () => {
		const noMic = { ...FULL, microphones: 0 };
		expect(decideCompat(chrome, noMic, { microphone: false }).path).toBe('go');
		expect(decideCompat(chrome, noMic, { microphone: true }).missing).toEqual(['microphone_none']);
		expect(
			decideCompat(chrome, { ...FULL, microphonePermission: 'denied' }, { microphone: true }).missing
		).toEqual(['microphone_denied']);
	});

	it('an unknown camera count or permission does not block (the camera step asks and explains)', () => {
		const d = decideCompat(
			safari,
			{ ...FULL, cameras: null, cameraPermission: 'unknown', deviceMemoryGb: null },
			{ microphone: true }
		);
		expect(d.path).toBe('go');
	});

	it('runs the light mode at or below the memory threshold, and not above it', () => {
		expect(
			decideCompat(chrome, { ...FULL, deviceMemoryGb: LIGHT_MEMORY_GB }, { microphone: false })
		).toMatchObject({ path: 'light', light: ['memory'] });
		expect(decideCompat(chrome, { ...FULL, deviceMemoryGb: 0.5 }, { microphone: false }).path).toBe('light');
		expect(decideCompat(chrome, { ...FULL, deviceMemoryGb: 4 }, { microphone: false }).path).toBe('go');
		// Something missing outweighs the light mode.
		expect(
			decideCompat(chrome, { ...FULL, deviceMemoryGb: 1, simd: false }, { microphone: false }).path
		).toBe('blocked');
	});

	it('offers the Share → Add to Home Screen guidance in iOS Safari only', () => {
		expect(decideCompat(safari, FULL, { microphone: false }).install).toBe('ios_share');
		const iosWechat = classifyUserAgent(USER_AGENTS.find((c) => c.family === 'wechat' && c.os === 'ios')!.ua);
		expect(decideCompat(iosWechat, FULL, { microphone: false }).install).toBe('none');
		expect(decideCompat(chrome, FULL, { microphone: false }).install).toBe('none');
	});

	it('reports family, capabilities and path in the shape the bundle schema accepts, and nothing else', () => {
		const d = decideCompat(wechat, { ...FULL, cameraApi: false }, { microphone: false });
		const report = compatReport(wechat, { ...FULL, cameraApi: false }, d);
		expect(v.parse(CompatReportSchema, report)).toEqual(report);
		expect(report).toMatchObject({ family: 'wechat', path: 'blocked', missing: ['camera_api'] });
		expect(v.safeParse(CompatReportSchema, { ...report, family: 'netscape' }).success).toBe(false);
	});
});

describe('inferenceThreads', () => {
	const device = { isolated: true, cores: 8, light: false, cameraLoop: true };
	it('two only when isolated and not in the light mode', () => {
		expect(inferenceThreads(device)).toBe(2);
		expect(inferenceThreads({ ...device, light: true })).toBe(1);
		expect(inferenceThreads({ ...device, isolated: false })).toBe(1);
		expect(inferenceThreads({ ...device, cameraLoop: false, light: true })).toBe(1);
		expect(inferenceThreads({ ...device, cameraLoop: false, isolated: false })).toBe(1);
	});
	it('on 2 cores, two only for a worker with no camera loop beside it', () => {
		expect(inferenceThreads({ ...device, cores: 2 })).toBe(1);
		expect(inferenceThreads({ ...device, cores: 2, cameraLoop: false })).toBe(2);
		expect(inferenceThreads({ ...device, cores: 1, cameraLoop: false })).toBe(1);
	});
});

describe('antiSpoofApart', () => {
	const device = { cores: 2, light: false, faceThreads: 1 };
	it('a worker of its own where the face worker has one thread and the phone a second core', () => {
		expect(antiSpoofApart(device)).toBe(true);
		// A page that is not cross-origin isolated: one thread per worker whatever the cores.
		expect(antiSpoofApart({ ...device, cores: 8 })).toBe(true);
	});
	it('not on one core, with two face threads, or in the light mode', () => {
		expect(antiSpoofApart({ ...device, cores: 1 })).toBe(false);
		expect(antiSpoofApart({ ...device, cores: 8, faceThreads: 2 })).toBe(false);
		expect(antiSpoofApart({ ...device, light: true })).toBe(false);
	});
});

describe('the report in the bundle', () => {
	const report = compatReport(safari, FULL, decideCompat(safari, FULL, { microphone: false }));
	const payload = {
		version: 1,
		sessionId: '6f1c2a7e-3b7d-4c55-9a43-2f3e8d1b9c10',
		challenge: { nonce: 'n'.repeat(32), issuedAt: 'x', expiresAt: 'y' },
		candidate: { idNumber: '110101199003070000' },
		signedAt: 'z',
		steps: [],
		device: { userAgent: 'ua', compat: report }
	};

	it('is kept by the bundle schema (a stripped field would break the signature check)', () => {
		expect(v.parse(BundlePayloadSchema, payload).device.compat).toEqual(report);
	});

	it('is read back for the review page, and null when absent or malformed', () => {
		expect(readCompatReport({ payload })).toEqual(report);
		expect(readCompatReport({ payload: { ...payload, device: { userAgent: 'ua' } } })).toBeNull();
		expect(readCompatReport({ payload: { device: { compat: { family: 'wechat' } } } })).toBeNull();
		expect(readCompatReport(null)).toBeNull();
	});
});
