// A phone with more than two cores, on the cross-origin-isolated page, runs the face models on two WebAssembly
// threads: onnxruntime's threaded build then starts workers of its own from the loader, which the app hands it as
// the staged file's verified bytes (a blob URL), not by its path. This machine has two cores, so every other spec
// runs one thread; here the page reports eight, as such a phone does, through the dev-only benchmark page.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fixture } from '../support/fixtures.ts';
import { callBench as call } from './support/bench-page.ts';

interface FaceRun {
	info: { threads: number };
	embed: { n: number };
}

test('with eight cores the face models load on two threads and find and embed the face', async ({ page }) => {
	const face = readFileSync(fixture('faces', 'obama_2.jpg'));
	await page.route('**/__fixture/face.jpg', (route) =>
		route.fulfill({ body: face, contentType: 'image/jpeg' })
	);
	await page.addInitScript(() =>
		Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 8 })
	);
	await page.goto('/dev/bench');
	await page.getByTestId('bench-status').filter({ hasText: 'ready' }).waitFor();

	expect(await call<boolean>(page, 'crossOriginIsolated')).toBe(true);
	// The app's own rule (core/compat) on what this page now reports.
	expect(await call<number>(page, 'appOcrThreads')).toBe(2);

	const one = await call<FaceRun>(page, 'face', ['/__fixture/face.jpg'], 1, { numThreads: 1 });
	const two = await call<FaceRun>(page, 'face', ['/__fixture/face.jpg'], 1, { numThreads: 2 });
	// What onnxruntime runs with once started: it falls back to 1 where threads cannot start.
	expect(one.info.threads).toBe(1);
	expect(two.info.threads).toBe(2);
	expect(two.embed.n, 'the face was found and embedded on two threads').toBe(1);
});
