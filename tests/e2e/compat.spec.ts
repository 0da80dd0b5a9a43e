// The browsers candidates really open the link in, emulated in Chromium: the user agent of an app's web view and
// the feature gaps of older engines (init scripts that remove getUserMedia, make WebAssembly.validate refuse SIMD
// modules, or report little memory). What each shows before the candidate has spent any effort, and that the light
// mode changes what the flow asks of the camera.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import sharp from 'sharp';
import { USER_AGENTS } from '../unit/compat/user-agents.ts';
import { confirmableCandidate, startOnPc } from './support/flow.ts';
import { freshServerPerTest } from './support/own-server.ts';
import { confirmRecord, consent, expectStatus, idCards, liveness, photo, submit } from './support/phone.ts';

freshServerPerTest();

const WECHAT_ANDROID = USER_AGENTS.find(
	(c) => c.family === 'wechat' && c.engine === 'blink' && c.os === 'android'
)!.ua;

/** As in some in-app browsers and outside HTTPS: no navigator.mediaDevices.getUserMedia. */
const NO_GET_USER_MEDIA = () => {
	Object.defineProperty(MediaDevices.prototype, 'getUserMedia', { value: undefined, configurable: true });
};

/** An engine without WebAssembly SIMD: any module with a SIMD instruction (prefix 0xfd) fails to validate. */
const NO_SIMD = () => {
	const validate = WebAssembly.validate.bind(WebAssembly);
	WebAssembly.validate = (bytes: BufferSource) => {
		const view = new Uint8Array(ArrayBuffer.isView(bytes) ? bytes.buffer : bytes);
		return view.includes(0xfd) ? false : validate(bytes);
	};
};

/** A 1 GiB phone, as navigator.deviceMemory reports it; and the constraints each getUserMedia call asked for. */
const LOW_MEMORY = () => {
	Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 1, configurable: true });
	const asked: MediaStreamConstraints[] = [];
	(window as unknown as { zvAsked: MediaStreamConstraints[] }).zvAsked = asked;
	const original = MediaDevices.prototype.getUserMedia;
	MediaDevices.prototype.getUserMedia = function (constraints?: MediaStreamConstraints) {
		asked.push(JSON.parse(JSON.stringify(constraints ?? {})));
		return original.call(this, constraints);
	};
};

/**
 * A Chromium 91 kernel (the oldest the gate admits, by its WebAssembly SIMD): the built-ins that came later are
 * gone, abort reasons are not kept, and createImageBitmap refuses the orientation value 'from-image' (Chrome 112).
 */
const CHROMIUM_91 = () => {
	const later: [object, string][] = [
		[Array.prototype, 'at'],
		[String.prototype, 'at'],
		[Object, 'hasOwn'],
		[Array.prototype, 'findLast'],
		[Array.prototype, 'findLastIndex'],
		[globalThis, 'structuredClone'],
		[AbortSignal.prototype, 'reason'],
		[AbortSignal.prototype, 'throwIfAborted'],
		[Array.prototype, 'toSorted'],
		[Array.prototype, 'toReversed'],
		[Object, 'groupBy'],
		[Promise, 'withResolvers']
	];
	for (const [owner, name] of later) delete (owner as Record<string, unknown>)[name];
	const createImageBitmap = window.createImageBitmap.bind(window);
	window.createImageBitmap = ((...args: unknown[]) => {
		const options = args.find((a) => typeof a === 'object' && a !== null && 'imageOrientation' in a);
		if ((options as { imageOrientation?: string } | undefined)?.imageOrientation === 'from-image')
			return Promise.reject(new TypeError("'from-image' is not a valid enum value of type ImageOrientation"));
		return (createImageBitmap as (...a: unknown[]) => Promise<ImageBitmap>)(...args);
	}) as typeof window.createImageBitmap;
};

async function phoneWith(
	browser: Browser,
	link: string,
	options: { userAgent?: string; scripts?: (() => void)[] } = {}
): Promise<{ context: BrowserContext; phone: Page; requested: string[] }> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		permissions: ['camera', 'microphone'],
		...(options.userAgent ? { userAgent: options.userAgent } : {})
	});
	for (const script of options.scripts ?? []) await context.addInitScript(script);
	const requested: string[] = [];
	context.on('request', (r) => requested.push(new URL(r.url()).pathname));
	const phone = await context.newPage();
	await phone.goto(link);
	return { context, phone, requested };
}

test('WeChat without a camera: open-in-browser guidance before consent, and the link still opens in a browser', async ({
	page: pc,
	browser,
	request
}) => {
	const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
	const { phone, context, requested } = await phoneWith(browser, link, {
		userAgent: WECHAT_ANDROID,
		scripts: [NO_GET_USER_MEDIA]
	});
	const guide = phone.getByTestId('open-in-browser');
	await expect(guide).toBeVisible();
	await expect(guide).toContainText('点击右上角 ··· 选择在浏览器打开');
	await expect(guide).toContainText('微信');
	await expect(guide.getByRole('img', { name: '点击右上角的 ··· 按钮' })).toBeVisible();
	await expect(phone.getByTestId('alternatives')).toContainText('现场确认');
	await expect(phone.getByTestId('screen')).toHaveCount(0);
	// The link was not spent (never sent to the server), so the system browser opens it.
	expect(requested).not.toContain('/api/phone/open');
	await context.close();
	const { phone: system } = await phoneWith(browser, link);
	await expectStatus(system, 'consent');
	await expect(system.getByTestId('compat-blocked')).toHaveCount(0);
	await expect(system.getByRole('button', { name: '同意并开始' })).toBeEnabled();
});

test('WeChat with a working camera: the flow, with no install prompt', async ({
	page: pc,
	browser,
	request
}) => {
	const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
	const { phone } = await phoneWith(browser, link, { userAgent: WECHAT_ANDROID });
	await consent(phone);
	await expect(phone.getByTestId('open-in-browser')).toHaveCount(0);
	await expect(phone.getByTestId('install-ios')).toHaveCount(0);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await expectStatus(phone, 'photo');
});

for (const [name, script, code] of [
	['no getUserMedia', NO_GET_USER_MEDIA, 'camera_api'],
	['no WebAssembly SIMD', NO_SIMD, 'simd']
] as const) {
	test(`a system browser with ${name}: the explanation and the on-site alternative before the ID step`, async ({
		page: pc,
		browser,
		request
	}) => {
		const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
		const { phone } = await phoneWith(browser, link, { scripts: [script] });
		await expectStatus(phone, 'consent');
		const blocked = phone.getByTestId('compat-blocked');
		await expect(blocked).toBeVisible();
		await expect(blocked.locator(`[data-code="${code}"]`)).toBeVisible();
		await expect(blocked.locator('[data-alternative="on_site"]')).toContainText('现场确认');
		await expect(blocked.locator('[data-alternative="system_browser"]')).toHaveCount(0);
		await expect(phone.getByRole('button', { name: '同意并开始' })).toBeDisabled();
		await phone.getByRole('button', { name: '不同意人脸识别，改为现场确认' }).click();
		await expectStatus(phone, 'on_site');
	});
}

test('a Chromium 91 kernel: the start page, then the whole flow to the end, resumed after a reload on the way', async ({
	page: pc,
	browser,
	request
}) => {
	const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
	const errors: string[] = [];
	const { phone } = await phoneWith(browser, link, { scripts: [CHROMIUM_91] });
	phone.on('pageerror', (e) => errors.push(e.message));
	expect(
		await phone.evaluate(() => 'at' in Array.prototype || 'throwIfAborted' in AbortSignal.prototype)
	).toBe(false);
	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await expectStatus(phone, 'photo');
	await phone.reload();
	await expectStatus(phone, 'photo');
	await photo(phone);
	await liveness(phone);
	await submit(phone);
	await expect(phone.getByTestId('done')).toBeVisible();
	// The start page (the installed app's start) chooses a province from its link.
	await phone.goto('/?province=hubei');
	await expect(phone.getByTestId('sign-in-options')).toContainText('请在电脑上登录报名网站');
	await phone.getByRole('button', { name: '北京市' }).click();
	await expect(phone.getByRole('link', { name: '用手机号和短信验证码登录' })).toBeVisible();
	expect(errors).toEqual([]);
	// The album pictures above were decoded with the default orientation, which turns a picture by its EXIF: stored
	// 40x20 with orientation 6, it comes out upright, 20x40.
	const turned = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#888' } })
		.jpeg()
		.withMetadata({ orientation: 6 })
		.toBuffer();
	const size = await phone.evaluate(async (base64) => {
		const bitmap = await createImageBitmap(
			new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' })
		);
		return [bitmap.width, bitmap.height];
	}, turned.toString('base64'));
	expect(size).toEqual([20, 40]);
});

test('a phone with little memory runs the light mode: smaller card frames, and the bundle says so', async ({
	page: pc,
	browser,
	request
}) => {
	const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
	const { phone } = await phoneWith(browser, link, { scripts: [LOW_MEMORY] });
	await expectStatus(phone, 'consent');
	await expect(phone.getByTestId('compat-light')).toContainText('轻量模式');
	await consent(phone);
	// The rear camera, opened for the card; then a reload (which resumes at the same step) closes it, so the
	// reading below, from files as in the other specs, does not share the loaded machine with a playing video.
	await expectStatus(phone, 'id_capture');
	await phone.getByRole('button', { name: '打开摄像头拍摄' }).click();
	await expect
		.poll(() => phone.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth))
		.toBeGreaterThan(0);
	const asked = async () =>
		(await phone.evaluate(() => (window as unknown as { zvAsked: MediaStreamConstraints[] }).zvAsked)).map(
			(c) => c.video as MediaTrackConstraints
		);
	expect(await asked()).toEqual([
		expect.objectContaining({ facingMode: 'environment', width: { ideal: 1280 } })
	]);
	await phone.reload();
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await expectStatus(phone, 'review');
	// The face's frames stay where its checks are calibrated.
	expect(await asked()).toEqual([expect.objectContaining({ facingMode: 'user', width: { ideal: 640 } })]);

	let raw = '';
	await phone.route('**/api/phone/submit', async (route) => {
		raw = route.request().postDataBuffer()!.toString('utf8');
		await route.continue();
	});
	await phone.getByRole('button', { name: '签名并提交' }).click();
	await expect(phone.getByTestId('done')).toBeVisible();
	const part = raw.indexOf('name="bundle"');
	const bundle = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n', part) + 4, raw.indexOf('\r\n--', part)));
	expect(bundle.payload.device.compat).toMatchObject({
		family: 'chrome',
		path: 'light',
		caps: { deviceMemoryGb: 1, simd: true }
	});
});
