// Photo pipeline benchmark (Node): time per stage, MozJPEG vs jpeg-js at the 40 kB limit (size, quality, SSIM
// against the uncompressed output), and the verdict on every idphotos fixture. Writes bench/out/photo.json.
// Run: npx tsx tests/bench/photo.bench.ts
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { ssim } from '../../src/lib/core/image/ssim.ts';
import { checkPhotoContent } from '../../src/lib/core/photo/checks.ts';
import { encodeWithinSize } from '../../src/lib/core/photo/encode.ts';
import { checkUploadFile } from '../../src/lib/core/photo/file-checks.ts';
import { makePhoto } from '../../src/lib/core/photo/pipeline.ts';
import { createPersonSegmenter } from '../../src/lib/core/photo/segment-model.ts';
import { combine } from '../../src/lib/core/photo/reasons.ts';
import { decodeJpeg } from '../../src/lib/core/photo/recheck.ts';
import { hubeiPhotoSpec as spec } from '../../src/lib/core/photo/spec.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { decodeImage } from '../../src/lib/runtime/node-image.ts';
import { jpegJsEncoder, mozjpegEncoder } from '../../src/lib/runtime/node-photo.ts';
import { fixture, fixturesDir } from '../support/fixtures.ts';
import { runChromiumPhotoBench } from './photo-chromium/run.ts';

const engine = createFaceEngine(nodeRuntime);
const segmenter = createPersonSegmenter(nodeRuntime);
const portraits = [
	['idphotos', 'blue_bg_man_original_358x441.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test1.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test2.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test3.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test4.jpg'],
	['faces', 'jacky_cheung_1.jpg'],
	['faces', 'jacky_cheung_2.jpg'],
	['faces', 'alex_lacamoire_1.jpg'],
	['faces', 'alex_lacamoire_2.jpg'],
	['faces', 'astronaut.png'],
	['faces', 'obama_1.jpg'],
	['faces', 'kit_harington_1.jpg'],
	['faces', 'obama_small.jpg']
];

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Warm up: model loading and wasm compilation are paid once per worker, not per photo.
{
	const img = await decodeImage(fixture(...portraits[0]));
	const mask = await segmenter.segment(img);
	await makePhoto({
		image: img,
		measurement: await engine.measure(img),
		spec,
		encoder: mozjpegEncoder,
		mask
	});
}

interface PipelineRow {
	file: string;
	ok: boolean;
	reasons: string[];
	measureMs: number;
	segmentMs: number;
	makeMs: number;
	totalMs: number;
	bytes: number | null;
	quality: number | null;
	mozjpeg: { bytes: number; quality: number; ssim: number; encodeMs: number };
	jpegJs: { bytes: number; quality: number; ssim: number; encodeMs: number };
}
const pipeline: PipelineRow[] = [];
for (const [dir, file] of portraits) {
	const image = await decodeImage(fixture(dir, file));
	let t = performance.now();
	const measurement = await engine.measure(image);
	const measureMs = ms(t);
	t = performance.now();
	const mask = await segmenter.segment(image);
	const segmentMs = ms(t);
	t = performance.now();
	const made = await makePhoto({ image, measurement, spec, encoder: mozjpegEncoder, mask });
	const makeMs = ms(t);
	if (!made.image) throw new Error(`${file}: no output (${made.reasons.map((r) => r.code).join(', ')})`);
	const compare = async (encoder: typeof mozjpegEncoder) => {
		const t0 = performance.now();
		const sized = await encodeWithinSize(made.image!, encoder, spec.file);
		const encodeMs = ms(t0);
		return {
			bytes: sized.bytes.length,
			quality: sized.quality,
			ssim: Math.round(ssim(made.image!, decodeJpeg(sized.bytes)) * 10000) / 10000,
			encodeMs
		};
	};
	pipeline.push({
		file,
		ok: made.ok,
		reasons: made.reasons.map((r) => r.code),
		measureMs,
		segmentMs,
		makeMs,
		totalMs: Math.round((measureMs + segmentMs + makeMs) * 10) / 10,
		bytes: made.bytes?.length ?? null,
		quality: (made.measures.jpegQuality as number) ?? null,
		mozjpeg: await compare(mozjpegEncoder),
		jpegJs: await compare(jpegJsEncoder)
	});
}

const verdicts: { file: string; ok: boolean; reasons: string[] }[] = [];
const idDir = join(fixturesDir, 'idphotos');
for (const file of readdirSync(idDir).sort()) {
	const path = join(idDir, file);
	const image = await decodeImage(path);
	const v = combine([
		checkUploadFile(new Uint8Array(readFileSync(path)), spec),
		checkPhotoContent(image, await engine.measure(image), spec)
	]);
	verdicts.push({ file, ok: v.ok, reasons: v.reasons.map((r) => r.code) });
}

console.log(
	'\nPhoto pipeline in Node, selfie segmentation path (ms; measure = face engine, segment = person model,' +
		' make = framing + compose + MozJPEG quality search + checks of the output)'
);
console.log(
	'file'.padEnd(46) +
		'measure'.padStart(8) +
		'segment'.padStart(8) +
		'make'.padStart(8) +
		'total'.padStart(8) +
		' | mozjpeg bytes  q  ssim    ms' +
		' | jpeg-js bytes  q  ssim    ms'
);
for (const r of pipeline) {
	const enc = (e: PipelineRow['mozjpeg']) =>
		`${String(e.bytes).padStart(13)} ${String(e.quality).padStart(2)} ${e.ssim.toFixed(4)} ${String(Math.round(e.encodeMs)).padStart(5)}`;
	console.log(
		r.file.slice(0, 45).padEnd(46) +
			String(Math.round(r.measureMs)).padStart(8) +
			String(Math.round(r.segmentMs)).padStart(8) +
			String(Math.round(r.makeMs)).padStart(8) +
			String(Math.round(r.totalMs)).padStart(8) +
			' |' +
			enc(r.mozjpeg) +
			' |' +
			enc(r.jpegJs)
	);
}
const summary = {
	medianTotalMs: median(pipeline.map((r) => r.totalMs)),
	medianMakeMs: median(pipeline.map((r) => r.makeMs)),
	medianSegmentMs: median(pipeline.map((r) => r.segmentMs)),
	compliantOutputs: pipeline.filter((r) => r.ok).length,
	mozjpegMeanSsim: pipeline.reduce((s, r) => s + r.mozjpeg.ssim, 0) / pipeline.length,
	jpegJsMeanSsim: pipeline.reduce((s, r) => s + r.jpegJs.ssim, 0) / pipeline.length,
	mozjpegWins: pipeline.filter((r) => r.mozjpeg.ssim > r.jpegJs.ssim).length,
	photos: pipeline.length
};
console.log(
	`\n${summary.compliantOutputs}/${summary.photos} outputs compliant; median total ${summary.medianTotalMs} ms ` +
		`(segment ${summary.medianSegmentMs} ms, make ${summary.medianMakeMs} ms); mean SSIM at <= ${spec.file.maxBytes} bytes: ` +
		`mozjpeg ${summary.mozjpegMeanSsim.toFixed(4)} vs jpeg-js ${summary.jpegJsMeanSsim.toFixed(4)} ` +
		`(mozjpeg better on ${summary.mozjpegWins}/${summary.photos})`
);
console.log('\nVerdicts on idphotos fixtures');
for (const v of verdicts)
	console.log(`${v.file.padEnd(46)} ${v.ok ? 'PASS' : 'FAIL'} ${v.reasons.join(', ')}`);

// The same pipeline in a Worker in headless Chromium (onnxruntime-web, MozJPEG wasm vs the canvas encoder).
const smokeFile: [string, string] = ['idphotos', 'nonconf_wrong_background_hivision_test1.jpg'];
const chromium = await runChromiumPhotoBench(portraits as [string, string][], {
	file: smokeFile,
	measurement: await engine.measure(await decodeImage(fixture(...smokeFile)))
});
console.log(`\nShipped photo worker in Chromium (comlink init + make): ${JSON.stringify(chromium.worker)}`);
let chromiumSummary: Record<string, number> | null = null;
if (chromium.ok && chromium.rows) {
	console.log(
		`\nHeadless Chromium worker, make with the canvas encoder (${chromium.threads} ORT threads; models + wasm load ${Math.round(chromium.loadMs ?? 0)} ms once)`
	);
	console.log(
		'file'.padEnd(46) +
			'measure'.padStart(8) +
			'segment'.padStart(8) +
			'make'.padStart(8) +
			'total'.padStart(8) +
			' | mozjpeg bytes  q  ssim    ms | canvas  bytes  q  ssim    ms'
	);
	for (const r of chromium.rows) {
		const enc = (e: { bytes: number; quality: number; ssim: number; ms: number } | undefined) =>
			e
				? `${String(e.bytes).padStart(13)} ${String(e.quality).padStart(2)} ${e.ssim.toFixed(4)} ${String(Math.round(e.ms)).padStart(5)}`
				: ' '.repeat(30);
		console.log(
			(r.file + (r.warm ? '' : ' (cold)')).slice(0, 45).padEnd(46) +
				String(Math.round(r.measureMs)).padStart(8) +
				String(Math.round(r.segmentMs)).padStart(8) +
				String(Math.round(r.makeMs)).padStart(8) +
				String(Math.round(r.totalMs)).padStart(8) +
				' |' +
				enc(r.encoders[0]) +
				' |' +
				enc(r.encoders[1])
		);
	}
	const warm = chromium.rows.filter((r) => r.warm && r.encoders.length === 2);
	chromiumSummary = {
		medianTotalMs: median(warm.map((r) => r.totalMs)),
		medianMeasureMs: median(warm.map((r) => r.measureMs)),
		medianSegmentMs: median(warm.map((r) => r.segmentMs)),
		medianMakeMs: median(warm.map((r) => r.makeMs)),
		mozjpegMeanSsim: warm.reduce((s, r) => s + r.encoders[0].ssim, 0) / warm.length,
		canvasMeanSsim: warm.reduce((s, r) => s + r.encoders[1].ssim, 0) / warm.length,
		mozjpegMedianSearchMs: median(warm.map((r) => r.encoders[0].ms)),
		canvasMedianSearchMs: median(warm.map((r) => r.encoders[1].ms)),
		canvasWins: warm.filter((r) => r.encoders[1].ssim > r.encoders[0].ssim).length,
		photos: warm.length
	};
	console.log(
		`\nChromium: median total ${Math.round(chromiumSummary.medianTotalMs)} ms (measure ${Math.round(chromiumSummary.medianMeasureMs)}, ` +
			`segment ${Math.round(chromiumSummary.medianSegmentMs)}, make ${Math.round(chromiumSummary.medianMakeMs)}); ` +
			`mean SSIM at <= ${spec.file.maxBytes} bytes: mozjpeg ${chromiumSummary.mozjpegMeanSsim.toFixed(4)} vs canvas ` +
			`${chromiumSummary.canvasMeanSsim.toFixed(4)} (canvas better on ${chromiumSummary.canvasWins}/${chromiumSummary.photos}); ` +
			`search ${Math.round(chromiumSummary.mozjpegMedianSearchMs)} vs ${Math.round(chromiumSummary.canvasMedianSearchMs)} ms`
	);
} else console.log(`\nHeadless Chromium part skipped: ${chromium.error}`);

mkdirSync('bench/out', { recursive: true });
writeFileSync(
	'bench/out/photo.json',
	JSON.stringify(
		{
			when: new Date().toISOString(),
			runtime: nodeRuntime.name,
			loadAverage: loadavg(),
			spec: spec.id,
			summary,
			pipeline,
			chromium: { summary: chromiumSummary, ...chromium },
			verdicts
		},
		null,
		2
	)
);
console.log(
	`\nload average ${loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')} on 2 cores; wrote bench/out/photo.json`
);
