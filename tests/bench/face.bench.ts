// Face engine benchmark (Node, onnxruntime-node): per-stage latency on live camera frames, face-match
// TAR/FAR on the fixtures (clean and ID-portrait-like), anti-spoof scores on spoof samples vs live clips.
// Run: npx tsx tests/bench/face.bench.ts   -> table on stdout, figures in bench/out/face.json.
// ZV_FACE_INT8=1 (ZV_FACE_RUNS=30): only the float-vs-int8 embedding timing -> bench/out/face-int8.json.
// ZV_FACE_PRUNE=1 (ZV_FACE_RUNS=30): only the published-vs-pruned (staged) embedding timing -> bench/out/face-prune.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ANTISPOOF, createFaceEngine, FACE_MATCH } from '../../src/lib/core/face/engine.ts';
import { cosineSimilarity } from '../../src/lib/core/face/match.ts';
import type { RgbaImage } from '../../src/lib/core/image/types.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { decodeImage } from '../../src/lib/runtime/node-image.ts';
import { fixture } from '../support/fixtures.ts';
import { clipFrames, largestFace } from '../node/face/support.ts';
import { printTable as table } from './table.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** face.feature as published, from the tarball models/stage.mjs unpacked into .cache/, and its manifest entry. */
function publishedFeature() {
	const entry = (
		JSON.parse(readFileSync(join(root, 'models', 'manifest', 'face.json'), 'utf8')) as {
			id: string;
			package: string;
			version: string;
			from: string;
			sha256: string;
		}[]
	).find((e) => e.id === 'face.feature')!;
	const bytes = readFileSync(
		join(root, '.cache', 'models', `${entry.package}@${entry.version}`, 'package', entry.from)
	);
	return { entry, bytes };
}

/**
 * Two versions of the embedding model timed back to back (interleaved runs, so both see the same load) in
 * onnxruntime-web WASM (1 thread, the phone's runtime, here in Node) and onnxruntime-node; CPU time per run
 * next to wall time, since the machine is shared. Writes bench/out/<out>.json.
 */
async function compareFeatureModels(
	out: string,
	models: Record<'a' | 'b', { name: string; bytes: Uint8Array }>
) {
	const ortNode = await import('onnxruntime-node');
	const ortWeb = await import('onnxruntime-web/wasm');
	ortWeb.env.wasm.numThreads = 1;
	ortWeb.env.wasm.wasmPaths = join(root, 'static', 'vendor', 'ort') + '/';
	const dims = [1, 3, 112, 112];
	const input = Float32Array.from({ length: 3 * 112 * 112 }, (_, i) => Math.sin(i) * 0.9);
	const RUNS = Number(process.env.ZV_FACE_RUNS ?? process.env.ZV_FACE_INT8_RUNS ?? 30);
	const rows: (string | number)[][] = [];
	const results: Record<string, unknown> = {};
	for (const [runtime, create, tensor] of [
		[
			'onnxruntime-web WASM, 1 thread',
			(b: Uint8Array) => ortWeb.InferenceSession.create(b, { graphOptimizationLevel: 'all' }),
			() => new ortWeb.Tensor('float32', input, dims)
		],
		[
			'onnxruntime-node, 1 thread',
			(b: Uint8Array) =>
				ortNode.InferenceSession.create(b, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 }),
			() => new ortNode.Tensor('float32', input, dims)
		]
	] as const) {
		const sessions = { a: await create(models.a.bytes), b: await create(models.b.bytes) };
		const ms = {
			a: { wall: [] as number[], cpu: [] as number[] },
			b: { wall: [] as number[], cpu: [] as number[] }
		};
		for (const s of Object.values(sessions))
			for (let i = 0; i < 3; i++) await s.run({ input: tensor() as never });
		for (let r = 0; r < RUNS; r++)
			for (const k of ['a', 'b'] as const) {
				const c0 = process.cpuUsage();
				const t0 = performance.now();
				await sessions[k].run({ input: tensor() as never });
				ms[k].wall.push(performance.now() - t0);
				const c = process.cpuUsage(c0);
				ms[k].cpu.push((c.user + c.system) / 1000);
			}
		const min = (v: number[]) => Math.min(...v);
		for (const k of ['a', 'b'] as const)
			rows.push([
				runtime,
				models[k].name,
				median(ms[k].wall).toFixed(1),
				median(ms[k].cpu).toFixed(1),
				min(ms[k].cpu).toFixed(1)
			]);
		rows.push([
			runtime,
			'speed-up (CPU median)',
			'',
			(median(ms.a.cpu) / median(ms.b.cpu)).toFixed(2) + 'x',
			''
		]);
		results[runtime] = { [models.a.name]: ms.a, [models.b.name]: ms.b };
	}
	table(
		`face.feature ${models.a.name} vs ${models.b.name} (${models.a.bytes.length} -> ${models.b.bytes.length} bytes), ${RUNS} interleaved runs, load average ${loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`,
		['runtime', 'model', 'wall median ms', 'CPU median ms', 'CPU min ms'],
		rows
	);
	mkdirSync(join(root, 'bench', 'out'), { recursive: true });
	writeFileSync(
		join(root, 'bench', 'out', `${out}.json`),
		JSON.stringify(
			{
				loadAverage: loadavg(),
				runs: RUNS,
				bytes: { [models.a.name]: models.a.bytes.length, [models.b.name]: models.b.bytes.length },
				ms: results
			},
			null,
			'\t'
		) + '\n'
	);
	console.log(`wrote bench/out/${out}.json`);
}
const engine = createFaceEngine(nodeRuntime);
const networkPose = createFaceEngine(nodeRuntime, { poseSource: 'model' });
const tracking = createFaceEngine(nodeRuntime, { detectEvery: 3 });

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const p90 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.9)];
async function timeEach(frames: RgbaImage[], fn: (f: RgbaImage) => Promise<unknown>) {
	await fn(frames[0]); // warm-up: first run allocates and optimises
	const ms: number[] = [];
	for (const f of frames) {
		const t = performance.now();
		await fn(f);
		ms.push(performance.now() - t);
	}
	return { median: +median(ms).toFixed(1), p90: +p90(ms).toFixed(1), n: ms.length };
}

if (process.env.ZV_FACE_INT8) {
	// ZV_FACE_INT8=1: only the int8 experiment (models/notes/face.md, "int8"): the embedding model as published
	// vs through models/transforms/onnx-int8.mjs (not shipped).
	const { default: onnxInt8 } = await import('../../models/transforms/onnx-int8.mjs');
	const { entry, bytes } = publishedFeature();
	await compareFeatureModels('face-int8', {
		a: { name: 'float', bytes },
		b: { name: 'int8', bytes: onnxInt8(bytes, entry) }
	});
	process.exit(0);
}
if (process.env.ZV_FACE_PRUNE) {
	// ZV_FACE_PRUNE=1: only the embedding model as published vs as staged, without its dead channels
	// (models/transforms/onnx-prune-dead-channels.mjs; models/notes/face.md, "sample() speed").
	const { default: prune } = await import('../../models/transforms/onnx-prune-dead-channels.mjs');
	const { bytes } = publishedFeature();
	await compareFeatureModels('face-prune', {
		a: { name: 'published', bytes },
		b: { name: 'pruned', bytes: prune(bytes) }
	});
	process.exit(0);
}

// 1. Latency on live selfie frames (480x640), stage by stage.
const frames = await clipFrames(
	'live_blink_selfie_480x640_15fps.mjpeg',
	Array.from({ length: 15 }, (_, i) => i * 7)
);
const face0 = await largestFace(frames[0]);
const pts0 = await engine.landmarks(frames[0], face0);
const latency = {
	detect: await timeEach(frames, (f) => engine.detect(f)),
	landmarks: await timeEach(frames, (f) => engine.landmarks(f, face0)),
	eyes: await timeEach(frames, (f) => engine.eyes(f, pts0)),
	poseLandmarks: await timeEach(frames, (f) => engine.pose(f, face0, pts0)),
	poseNetwork: await timeEach(frames, (f) => networkPose.pose(f, face0)),
	measure: await timeEach(frames, (f) => engine.measure(f)),
	measureDetectEvery3: await timeEach(frames, (f) => tracking.measure(f)),
	embed: await timeEach(frames, (f) => engine.embed(f, { box: face0.box, score: face0.score })),
	antispoof: await timeEach(frames, (f) => engine.liveness(f, face0))
};
table(
	`Latency per frame, 480x640 live selfie, ${nodeRuntime.name}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}`,
	['stage', 'median ms', 'p90 ms', 'frames'],
	Object.entries(latency).map(([k, v]) => [k, v.median, v.p90, v.n])
);

// 2. Face match on fixtures: pairs.csv and every cross-identity pair, clean and ID-portrait-like.
const facesDir = fixture('faces');
const pairs = readFileSync(join(facesDir, 'pairs.csv'), 'utf8')
	.trim()
	.split('\n')
	.slice(1)
	.map((l) => l.split(','));
const files = readdirSync(facesDir).filter((f) => /\.(jpe?g|png)$/.test(f) && !f.startsWith('group_'));
const identity = (f: string) => f.replace(/_partial_face/, '_x').replace(/_[^_]+$/, '');

/** Grey, washed out, face ~80 px wide, JPEG q50: roughly a portrait printed on an ID card and photographed. */
async function idLike(f: string): Promise<RgbaImage> {
	const img = await decodeImage(join(facesDir, f));
	const faces = await engine.detect(img);
	const fw = faces.length ? Math.max(...faces.map((x) => x.box.width)) : 100;
	const width = Math.round(img.width * Math.min(1, 80 / fw));
	const bytes = await sharp(join(facesDir, f))
		.rotate()
		.grayscale()
		.linear(0.6, 80)
		.resize({ width })
		.jpeg({ quality: 50 })
		.toBuffer();
	return decodeImage(bytes);
}

async function embedAll(load: (f: string) => Promise<RgbaImage>) {
	const out = new Map<string, Float32Array>();
	for (const f of files) {
		const img = await load(f);
		const faces = await engine.detect(img);
		if (!faces.length) continue;
		const best = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
		out.set(f, (await engine.embed(img, best)).vector);
	}
	return out;
}
const clean = await embedAll((f) => decodeImage(join(facesDir, f)));
const degraded = await embedAll(idLike);

function matchStats(a: Map<string, Float32Array>, b: Map<string, Float32Array>) {
	const sim = (x: string, y: string) => (a.has(x) && b.has(y) ? cosineSimilarity(a.get(x)!, b.get(y)!) : -1);
	const genuine = pairs.filter((p) => p[2] === 'Yes').map(([x, y]) => sim(x, y));
	const pairImpostors = pairs.filter((p) => p[2] === 'No').map(([x, y]) => sim(x, y));
	const allImpostors: number[] = [];
	for (const x of files)
		for (const y of files) if (x < y && identity(x) !== identity(y)) allImpostors.push(sim(x, y));
	const maxImp = Math.max(...allImpostors);
	const at = (t: number) => ({
		threshold: t,
		tar: +(genuine.filter((s) => s >= t).length / genuine.length).toFixed(4),
		falseAcceptsPairsCsv: pairImpostors.filter((s) => s >= t).length,
		falseAcceptsAllPairs: allImpostors.filter((s) => s >= t).length
	});
	const summary = (v: number[]) => {
		const sorted = v.filter((x) => x > -1).sort((x, y) => x - y);
		const q = (p: number) => +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(4);
		const mean = sorted.reduce((n, x) => n + x, 0) / sorted.length;
		return { min: q(0), median: q(0.5), p99: q(0.99), max: q(1), mean: +mean.toFixed(4) };
	};
	return {
		genuineSimilarity: summary(genuine),
		impostorSimilarity: summary(allImpostors),
		genuinePairs: genuine.length,
		impostorPairsCsv: pairImpostors.length,
		impostorPairsAll: allImpostors.length,
		noFace: files.filter((f) => !b.has(f)),
		maxImpostorPairsCsv: +Math.max(...pairImpostors).toFixed(4),
		maxImpostorAll: +maxImp.toFixed(4),
		tarAtZeroFalseAccepts: +(genuine.filter((s) => s > maxImp).length / genuine.length).toFixed(4),
		atMatch: at(FACE_MATCH.match),
		atStrict: at(FACE_MATCH.strict),
		at040: at(0.4)
	};
}
const match = {
	cleanVsClean: matchStats(clean, clean),
	cleanVsIdLike: matchStats(clean, degraded),
	idLikeVsIdLike: matchStats(degraded, degraded)
};
table(
	`Face match (${FACE_MATCH.modelId}); identities = file name before _N; pairs.csv: 125 same / 276 different`,
	[
		'comparison',
		'TAR@match',
		'FA csv',
		'FA all',
		'all impostors',
		'max impostor',
		'TAR@0FA',
		'TAR@strict',
		'no face'
	],
	Object.entries(match).map(([k, m]) => [
		k,
		`${(m.atMatch.tar * 100).toFixed(1)}% @${FACE_MATCH.match}`,
		m.atMatch.falseAcceptsPairsCsv,
		m.atMatch.falseAcceptsAllPairs,
		m.impostorPairsAll,
		m.maxImpostorAll,
		`${(m.tarAtZeroFalseAccepts * 100).toFixed(1)}%`,
		`${(m.atStrict.tar * 100).toFixed(1)}%`,
		m.noFace.length
	])
);
table(
	'Similarity distributions (genuine: pairs.csv same; impostor: all cross-identity pairs; no-face pairs left out)',
	['comparison', 'pairs', 'min', 'median', 'mean', 'p99', 'max'],
	Object.entries(match).flatMap(([k, m]) =>
		(['genuineSimilarity', 'impostorSimilarity'] as const).map((d) => [
			k,
			d.replace('Similarity', ''),
			m[d].min,
			m[d].median,
			m[d].mean,
			m[d].p99,
			m[d].max
		])
	)
);

// 3. Anti-spoof: recaptured attacks vs live camera clips (and digitally injected attack clips).
const spoofRows: { sample: string; kind: string; live: number[] }[] = [];
for (const f of readdirSync(fixture('spoof')).sort()) {
	const img = await decodeImage(fixture('spoof', f));
	spoofRows.push({
		sample: `spoof/${f}`,
		kind: f.startsWith('real') ? 'bona fide' : 'recapture attack',
		live: [await engine.liveness(img, await largestFace(img))]
	});
}
for (const clip of readdirSync(fixture('clips')).filter((c) => c.endsWith('.mjpeg') || c.endsWith('.mp4'))) {
	if (clip.startsWith('hamilton')) continue; // a film excerpt, not a camera in front of one person
	const imgs = await clipFrames(clip, [0, 20, 40]);
	const live: number[] = [];
	for (const img of imgs) live.push(await engine.liveness(img, await largestFace(img)));
	spoofRows.push({
		sample: `clips/${clip}`,
		kind: clip.startsWith('attack') ? 'injected attack (no recapture)' : 'live camera',
		live
	});
}
table(
	`Anti-spoof (${ANTISPOOF.modelId}): live probability, threshold ${ANTISPOOF.threshold}`,
	['sample', 'kind', 'live (per frame)', 'decision'],
	spoofRows.map((r) => [
		r.sample,
		r.kind,
		r.live.map((v) => v.toFixed(3)).join(' '),
		r.live.every((v) => v >= ANTISPOOF.threshold) ? 'live' : 'SPOOF'
	])
);

const out = {
	runtime: nodeRuntime.name,
	cpus: cpus().length,
	loadAverage: loadavg()[0],
	latencyMs: latency,
	measureFps: +(1000 / latency.measure.median).toFixed(1),
	measureFpsDetectEvery3: +(1000 / latency.measureDetectEvery3.median).toFixed(1),
	embedPlusAntispoofMs: +(latency.embed.median + latency.antispoof.median).toFixed(1),
	match: { thresholds: FACE_MATCH, ...match },
	antispoof: { threshold: ANTISPOOF.threshold, samples: spoofRows }
};
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(join(root, 'bench', 'out', 'face.json'), JSON.stringify(out, null, '\t') + '\n');
console.log(
	`\nmeasure: ${out.measureFps} frames/s in Node; embed + anti-spoof: ${out.embedPlusAntispoofMs} ms`
);
console.log('wrote bench/out/face.json');
