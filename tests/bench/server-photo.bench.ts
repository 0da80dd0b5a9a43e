// CPU per part of the server's photo path, as one photo worker runs it (one thread, onnxruntime with the server's
// session options): JPEG decode, face detection, landmarks and eyes (measure), the content checks, the embedding,
// and the whole re-check. CPU time of the process (user + system) over a fixed count, so a shared machine's load
// changes the figures less than wall time would. Also checks that the verdict and embedding are the same each run.
//   npx tsx tests/bench/server-photo.bench.ts   (ZV_BENCH_PHOTOS, default 200) → bench/out/server-photo.json
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { checkPhotoContent } from '../../src/lib/core/photo/checks.ts';
import { serverPolicy } from '../../src/lib/server/policy.ts';
import { recheckInProcess } from '../../src/lib/server/photo-recheck-pool.ts';
import { decodeUploadJpeg } from '../../src/lib/runtime/node-image.ts';
import { serverRuntime } from '../../src/lib/runtime/node-server.ts';
import { fixture } from '../support/fixtures.ts';

const COUNT = Number(process.env.ZV_BENCH_PHOTOS ?? 200);
const read = (name: string) => new Uint8Array(readFileSync(fixture(`idphotos/${name}`)));
const photos = [read('blue_bg_man_compliant_480x640.jpg')];
/** Photos whose verdicts and measures the report lists (a change must keep them). */
const VERDICT_PHOTOS = [
	'blue_bg_man_compliant_480x640.jpg',
	'nonconf_two_faces_blue_bg.jpg',
	'nonconf_no_face_plain_blue.jpg',
	'nonconf_wrong_background_hivision_test1.jpg',
	'nonconf_72dpi_blue_bg_man.jpg'
];
const spec = serverPolicy('beijing').photoSpec!;
const face = createFaceEngine(serverRuntime);
await face.warmUp();

const cpuMs = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};

/** CPU ms per call of `work` over COUNT calls (after 10 warm-up calls). */
async function perCall(work: (i: number) => Promise<unknown>): Promise<number> {
	for (let i = 0; i < 10; i++) await work(i);
	const before = cpuMs();
	for (let i = 0; i < COUNT; i++) await work(i);
	return (cpuMs() - before) / COUNT;
}

const images = await Promise.all(photos.map((p) => decodeUploadJpeg(p)));
const measures = await Promise.all(images.map((image) => face.measure(image)));
const pick = <T>(list: readonly T[], i: number) => list[i % list.length];

const parts: Record<string, number> = {};
parts.decode = await perCall((i) => decodeUploadJpeg(pick(photos, i)));
parts.detect = await perCall((i) => face.detect(pick(images, i)));
parts.measure = await perCall((i) => face.measure(pick(images, i)));
parts.contentChecks = await perCall(async (i) => checkPhotoContent(pick(images, i), pick(measures, i), spec));
parts.embed = await perCall((i) => face.embed(pick(images, i), pick(measures, i).face!));
parts.wholeRecheck = await perCall((i) => recheckInProcess(pick(photos, i), spec, face));

// The verdicts, content measures and embeddings (a change to the path must keep them: compare across commits).
const verdicts = [];
for (const name of VERDICT_PHOTOS) {
	const bytes = read(name);
	const r = await recheckInProcess(bytes, spec, face);
	const image = await decodeUploadJpeg(bytes);
	const content = checkPhotoContent(image, await face.measure(image), spec);
	verdicts.push({
		photo: name,
		reasons: r.reasons.map((x) => x.code),
		measures: content.measures,
		embeddingHead: r.embedding?.slice(0, 6).map((v) => Number(v.toFixed(6))) ?? null
	});
}

const report = {
	at: new Date().toISOString(),
	photos: COUNT,
	load: loadavg().map((l) => Number(l.toFixed(2))),
	cpuMsPerPhoto: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Number(v.toFixed(2))])),
	verdicts
};
console.log('| part | CPU ms per photo |\n| --- | --- |');
for (const [k, v] of Object.entries(report.cpuMsPerPhoto)) console.log(`| ${k} | ${v} |`);
console.log(`load ${report.load.join(' / ')}`);
for (const v of verdicts) console.log(`${v.photo}: ${v.reasons.join(', ') || 'accepted'}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync(join('bench/out', 'server-photo.json'), JSON.stringify(report, null, '\t'));
