// A phone with more than two cores, on the cross-origin-isolated page, runs the face models on two WebAssembly
// threads: onnxruntime's threaded build then starts workers of its own from the loader, which the app hands it as
// the staged file's verified bytes (a blob URL), not by its path. This machine has two cores, so every other spec
// runs the face models on one thread; here the page reports eight, as such a phone does, through the dev-only
// benchmark page.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fixture } from '../support/fixtures.ts';
import { callBench as call } from './support/bench-page.ts';
import { cardFile, DEMO_IDENTITY } from './support/idcard.ts';

interface FaceRun {
	info: { threads: number };
	embed: { n: number };
	apart: { n: number } | null;
	apartDiff: number;
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
	// Two face threads already give each network both cores: the anti-spoof network stays in the face worker.
	expect(await call<boolean>(page, 'appAntiSpoofApart')).toBe(false);

	const one = await call<FaceRun>(page, 'face', ['/__fixture/face.jpg'], 1, { numThreads: 1 });
	const two = await call<FaceRun>(page, 'face', ['/__fixture/face.jpg'], 1, { numThreads: 2 });
	// What onnxruntime runs with once started: it falls back to 1 where threads cannot start.
	expect(one.info.threads).toBe(1);
	expect(two.info.threads).toBe(2);
	expect(two.embed.n, 'the face was found and embedded on two threads').toBe(1);
	// Beside a face worker on one thread, the bench also samples with the anti-spoof network in a worker of its own:
	// the same models on the same frame give the same numbers as one sample().
	expect(one.apart?.n).toBe(1);
	expect(one.apartDiff).toBe(0);
});

interface OcrRun {
	info: { threads: number };
	perCard: { idNumber: string | null; name: string | null }[];
}

// On this two-core machine the face worker keeps to one thread (the camera loop needs the other core), and the
// card reader, with no loop beside it, takes both; its threads sleep between operators (web-ort's `spinning`
// option), which onnxruntime must accept for the models to load at all.
test('with two cores the card reader runs on two threads and reads the card', async ({ page }) => {
	const card = readFileSync(await cardFile('portrait', { seed: 11 }));
	await page.route('**/__fixture/card.jpg', (route) =>
		route.fulfill({ body: card, contentType: 'image/jpeg' })
	);
	await page.addInitScript(() =>
		Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 })
	);
	await page.goto('/dev/bench');
	await page.getByTestId('bench-status').filter({ hasText: 'ready' }).waitFor();

	expect(await call<number>(page, 'appFaceThreads')).toBe(1);
	// The face worker's one thread leaves a core for the anti-spoof network's own worker.
	expect(await call<boolean>(page, 'appAntiSpoofApart')).toBe(true);
	const threads = await call<number>(page, 'appOcrThreads');
	expect(threads).toBe(2);
	const run = await call<OcrRun>(page, 'ocr', ['/__fixture/card.jpg'], {
		numThreads: threads,
		side: 'portrait'
	});
	expect(run.info.threads).toBe(2);
	expect(run.perCard[0].idNumber).toBe(DEMO_IDENTITY.idNumber);
	expect(run.perCard[0].name).toBe(DEMO_IDENTITY.name);
});
