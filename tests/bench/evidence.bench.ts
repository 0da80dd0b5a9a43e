// Server CPU per liveness evidence check (policy liveness.evidence 'frames'): checkLivenessEvidence as submit.ts calls
// it, with the server's face engine, on the crops an honest phone sends for a blink challenge (4 moments) and with
// the colour challenge on (4 moments + 8 flashes, lit by the session's sequence), and per part of a crop's check:
// JPEG decode, measure (detection, landmarks, pose), embedding, anti-spoof, the skin colour mean, the judge. CPU time
// of the process (user + system, onnxruntime's threads included), not wall time, so the load changes it less.
//   npx tsx tests/bench/evidence.bench.ts   (ZV_BENCH_CHECKS, default 20) -> bench/out/evidence.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BundlePayload } from '../../src/lib/core/bundle/schema.ts';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { colourSequence, flashWindow, regionMean, skinRegion } from '../../src/lib/core/liveness/colour.ts';
import { judgeEvidence } from '../../src/lib/core/liveness/evidence.ts';
import {
	resolve,
	resolvePolicy,
	withLivenessColour,
	withLivenessEvidence
} from '../../src/lib/core/policy/resolve.ts';
import { embedPhoto } from '../../src/lib/server/face.ts';
import { checkLivenessEvidence, expectedMoments } from '../../src/lib/server/services/liveness-evidence.ts';
import { decodeUploadJpeg } from '../../src/lib/runtime/node-image.ts';
import { serverRuntime } from '../../src/lib/runtime/node-server.ts';
import { clipFrame, evidenceCropOf } from '../security/forgeries.ts';
import { printTable } from './table.ts';

const COUNT = Number(process.env.ZV_BENCH_CHECKS ?? 20);
const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';
const FPS = 15;
const NONCE = 'evidence-bench-nonce-0000000001';
const face = createFaceEngine(serverRuntime);
await face.warmUp();

const cpuMs = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};
/** CPU ms per call of `work` over `count` calls, after 2 warm-up calls. */
async function perCall(work: (i: number) => Promise<unknown>, count: number): Promise<number> {
	for (let i = 0; i < 2; i++) await work(i);
	const before = cpuMs();
	for (let i = 0; i < count; i++) await work(i);
	return (cpuMs() - before) / count;
}

const base = resolvePolicy('fujian').policy;
const policies = {
	moments: resolve(withLivenessEvidence(base, 'frames')),
	'moments + colour': resolve(withLivenessColour(withLivenessEvidence(base, 'frames'), 'on'))
};
/** The fields checkLivenessEvidence reads of the signed bundle: the challenge and the crops' listed moments. */
const payloadFor = (moments: string[]) =>
	({
		challenge: { nonce: NONCE, liveness: { kind: 'actions', actions: ['blink'], stepTimeoutMs: 10_000 } },
		attachments: { evidence: moments.map((moment) => ({ moment })) },
		steps: []
	}) as unknown as BundlePayload;

const photoEmbedding = await embedPhoto(face, await decodeUploadJpeg(await clipFrame(SELFIE, 60)));
if (!photoEmbedding) throw new Error('no face in the photo frame');
const sequence = colourSequence(NONCE);
const momentCrops = await Promise.all(
	[10, 25, 40, 80].map(async (i) => evidenceCropOf(await clipFrame(SELFIE, i)))
);
const flashCrops = await Promise.all(
	sequence.map(async (colour, i) =>
		evidenceCropOf(await clipFrame(SELFIE, Math.round((flashWindow(i).mid / 1000) * FPS)), colour)
	)
);

const checks = Object.entries(policies).map(([name, sp]) => {
	const crops = sp.colour === 'off' ? momentCrops : [...momentCrops, ...flashCrops];
	const payload = payloadFor(expectedMoments(sp, payloadFor([])));
	return { name, sp, crops, run: () => checkLivenessEvidence({ sp, payload, crops, photoEmbedding, face }) };
});
const wholes: { check: string; crops: number; cpuMsPerCheck: number; passed: boolean; findings: string[] }[] =
	[];
for (const c of checks) {
	const verdict = await c.run();
	wholes.push({
		check: c.name,
		crops: c.crops.length,
		cpuMsPerCheck: +(await perCall(c.run, COUNT)).toFixed(1),
		passed: verdict.passed,
		findings: verdict.findings.map((f) => f.code)
	});
}

// The parts, per crop, over every crop of the colour check.
const all = checks[1].crops;
const images = await Promise.all(all.map((c) => decodeUploadJpeg(c)));
const measures = await Promise.all(images.map((image) => face.measure(image)));
const at = <T>(list: readonly T[], i: number) => list[i % list.length];
const faceAt = (i: number) => at(measures, i).face!;
const n = COUNT * all.length;
const parts: Record<string, number> = {
	decode: await perCall((i) => decodeUploadJpeg(at(all, i)), n),
	measure: await perCall((i) => face.measure(at(images, i)), n),
	embed: await perCall((i) => face.embed(at(images, i), faceAt(i)), n),
	antiSpoof: await perCall((i) => face.liveness(at(images, i), faceAt(i)), n),
	skinColour: await perCall(async (i) => regionMean(at(images, i), skinRegion(faceAt(i))), n)
};
const sp = policies['moments + colour'];
const expected = expectedMoments(sp, payloadFor([]));
const cropMeasures = measures.map((m, i) => ({
	moment: expected[i],
	faceCount: m.faceCount,
	similarity: 0.9,
	live: 1,
	pose: m.pose ?? null,
	mouthOpenness: m.mouthOpenness ?? null,
	skin: regionMean(images[i], skinRegion(m.face!))
}));
const judgeMs = await perCall(async () => judgeEvidence(cropMeasures, expected, sp.thresholds, sequence), n);

const load = loadavg().map((l) => +l.toFixed(2));
printTable(
	`Server CPU per evidence check (${COUNT} checks each; load ${load.join(' / ')})`,
	['check', 'crops', 'CPU ms per check', 'verdict'],
	wholes.map((w) => [w.check, w.crops, w.cpuMsPerCheck, w.passed ? 'passed' : w.findings.join('+')])
);
printTable(
	`Per crop, by part (${n} crops each) and the judge once per check`,
	['part', 'CPU ms'],
	[...Object.entries(parts).map(([k, v]) => [k, v.toFixed(3)]), ['judge (per check)', judgeMs.toFixed(3)]]
);
mkdirSync('bench/out', { recursive: true });
writeFileSync(
	join('bench/out', 'evidence.json'),
	JSON.stringify(
		{
			at: new Date().toISOString(),
			checks: COUNT,
			load,
			wholes,
			cpuMsPerCrop: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, +v.toFixed(3)])),
			judgeCpuMsPerCheck: +judgeMs.toFixed(4)
		},
		null,
		2
	)
);
