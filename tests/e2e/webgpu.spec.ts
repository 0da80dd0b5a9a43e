// The face models' heavy half (embedding, anti-spoof) on onnxruntime-web's WebGPU provider, forced through the
// support override on Chromium's software adapter (SwiftShader: right answers, far slower than a phone's GPU, which
// is why the automatic rule skips it), gives the verdicts the WASM flow gives; where WebGPU cannot start, the same
// override ends on WASM and the candidate notices nothing.
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { cameraClipY4m } from './support/camera.ts';
import { chromiumArgs, chromiumPath } from './support/chromium.ts';
import { confirmableCandidate, startOnPc } from './support/flow.ts';
import { confirmRecord, consent, expectStatus, idCards, openPhoneAs, submit } from './support/phone.ts';
import { freshServerPerTest } from './support/own-server.ts';
import { livenessResult } from './support/phone-store.ts';

// The camera plays the same person as other specs' Fujian confirmations: on the shared server this candidate would
// be held for review as a duplicate identity (the full run saw it), so each test has a server of its own.
freshServerPerTest();

const forceWebGpu = (context: BrowserContext) =>
	context.addInitScript(() => localStorage.setItem('zv.inference', 'webgpu'));

/** Runs the liveness check and returns where its face models ran, as the screen reports it. */
async function livenessOn(phone: Page): Promise<string | null> {
	await expectStatus(phone, 'liveness');
	await phone.getByRole('button', { name: '打开摄像头' }).click();
	await expect
		.poll(() => phone.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), {
			timeout: 30_000
		})
		.toBeGreaterThan(0);
	const start = phone.getByRole('button', { name: '开始检测' });
	await expect(start).toBeEnabled({ timeout: 120_000 });
	const inference = await start.getAttribute('data-inference');
	await start.click();
	await expect(phone.getByTestId('screen')).not.toHaveAttribute('data-status', 'liveness', {
		timeout: 180_000
	});
	const result = await livenessResult(phone);
	expect(result?.reasons, JSON.stringify(result?.details)).toEqual([]);
	expect(result?.passed).toBe(true);
	expect(result?.details.engine).toBe('face');
	expect(result?.scores.antiSpoof).toBeGreaterThan(0);
	return inference;
}

test('fujian with the face models on WebGPU (software adapter): the same pass, confirmed on the server', async ({
	page: pc,
	request
}) => {
	test.setTimeout(420_000);
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		args: [...chromiumArgs(cameraClipY4m()), '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader']
	});
	try {
		const id = await confirmableCandidate(request, 'fujian');
		const phone = await openPhoneAs(browser, await startOnPc(pc, id), 'fujian', forceWebGpu);
		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait', 'emblem']);
		expect(await livenessOn(phone)).toBe('webgpu');
		await submit(phone);
		await expectStatus(phone, 'done', 60_000);
		await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 30_000 });
	} finally {
		await browser.close();
	}
});

test('WebGPU forced where no adapter starts: the models load on WASM and the check passes', async ({
	page: pc,
	browser,
	request
}) => {
	test.setTimeout(300_000);
	const id = await confirmableCandidate(request, 'fujian');
	const phone = await openPhoneAs(browser, await startOnPc(pc, id), 'fujian', forceWebGpu);
	await consent(phone);
	await confirmRecord(phone);
	await idCards(phone, ['portrait', 'emblem']);
	// The override asked for WebGPU: 'wasm' here is the fallback at load, not the rule declining.
	expect(await livenessOn(phone)).toBe('wasm');
	await expect(phone.getByTestId('liveness-error')).toHaveCount(0);
});
