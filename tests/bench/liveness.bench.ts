// Liveness outcome of every clip in the fixtures: each clip is measured once with the face engine on
// onnxruntime-node, then every single-action challenge (and digit reading where the clip has a WAV) is judged.
// Prints a table and writes bench/out/liveness.json. Usage: npx tsx tests/bench/liveness.bench.ts [name-filter]
// The colour challenge's cost per frame is measured first; a filter that matches no clip measures only that.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio, measureClip, replayOptions } from '../../src/cli/commands/liveness.ts';
import { CAMERA_LOOP, DETECT_EVERY_FRAME } from '../../src/lib/core/face/camera-loop.ts';
import {
	colourSequence,
	FLASH_MS,
	judgeColourResponse,
	regionMean,
	skinRegion,
	type ColourSample
} from '../../src/lib/core/liveness/colour.ts';
import { judgeActions, judgeDigits, type LivenessVerdict } from '../../src/lib/core/liveness/index.ts';
import { LIVENESS_ACTIONS, type LivenessAction } from '../../src/lib/core/policy/types.ts';
import { fixture } from '../support/fixtures.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const clipsDir = dirname(fixture('clips', 'live_blink_selfie.mp4'));

/** What each clip shows (fixtures/MANIFEST.md): the challenges it should pass; every other one should fail. */
function expectation(name: string): { live: boolean; passes: string[] } {
	if (name.startsWith('attack_')) return { live: false, passes: [] };
	if (name.startsWith('grid_')) return { live: true, passes: ['digits'] };
	if (name.startsWith('live_blink_selfie')) return { live: true, passes: ['blink'] };
	if (name.startsWith('headturn_yaw')) return { live: true, passes: ['turn_left|turn_right'] };
	// eyes_closing: long closures, not quick blinks; hamilton: a film scene with several people (not a selfie).
	return { live: name.startsWith('eyes_closing'), passes: [] };
}

interface Row {
	clip: string;
	/** Detector cadence: 1 = every frame, 3 = the phone's camera loop (landmark tracking in between). */
	detectEvery: number;
	frames: number;
	msPerFrame: number;
	faceFrames: number;
	multiFaceFrames: number;
	outcomes: Record<string, { passed: boolean; reason: string }>;
	spoofMedian: number | null;
	continuityMin: number | null;
	expected: string;
	asExpected: boolean;
}

/**
 * What the colour challenge adds to each camera frame on the phone: the skin region's mean on a 480x640 frame (face
 * box 200x240) plus the judge's one run over the capture's 15 fps samples, shared out per frame.
 */
function colourCostPerFrame(): { msPerFrame: number; frames: number } {
	const width = 480;
	const height = 640;
	const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (i * 37) % 256);
	const face = { box: { x: 140, y: 160, width: 200, height: 240 } };
	const sequence = colourSequence('bench-colour-nonce-000000', 8);
	const frames = Math.ceil((sequence.length * FLASH_MS * 15) / 1000);
	const captures = 200;
	const started = performance.now();
	for (let c = 0; c < captures; c++) {
		const samples: ColourSample[] = [];
		for (let f = 0; f < frames; f++) {
			const rgb = regionMean({ width, height, data }, skinRegion(face));
			if (rgb) samples.push({ t: (f * 1000) / 15, rgb });
		}
		judgeColourResponse(samples, sequence, 0);
	}
	return { msPerFrame: (performance.now() - started) / (captures * frames), frames };
}
const colourCost = colourCostPerFrame();
console.log(
	`colour challenge: ${colourCost.msPerFrame.toFixed(4)} ms per frame (skin-region mean + judge, ${colourCost.frames} frames a capture)`
);

const filter = process.argv[2] ?? '';
const clips = readdirSync(clipsDir)
	.filter((f) => /\.(mjpeg|mp4)$/.test(f) && f.includes(filter))
	.sort();
const rows: Row[] = [];
const cadences = [DETECT_EVERY_FRAME.detectEvery ?? 1, CAMERA_LOOP.detectEvery ?? 3];
for (const detectEvery of cadences) for (const file of clips) await judgeClip(file, detectEvery);

async function judgeClip(file: string, detectEvery: number) {
	const path = join(clipsDir, file);
	// The mp4 clips are resampled to 15 fps, the camera loop's rate on a phone.
	const { measurements, samples, elapsedMs } = await measureClip(
		path,
		file.endsWith('.mp4') ? 15 : null,
		detectEvery
	);
	const outcomes: Row['outcomes'] = {};
	let any: LivenessVerdict | null = null;
	for (const action of LIVENESS_ACTIONS) {
		const challenge = {
			kind: 'actions' as const,
			actions: [action] as LivenessAction[],
			stepTimeoutMs: 10_000
		};
		const v = judgeActions(measurements, samples, challenge, replayOptions);
		outcomes[action] = { passed: v.passed, reason: v.reason.code };
		any = v;
	}
	const wav = path.replace(/_640x480_25fps\.mjpeg$/, '.wav');
	if (wav !== path && existsSync(wav)) {
		const v = judgeDigits(measurements, samples, decodeAudio(wav), undefined, replayOptions);
		outcomes.digits = { passed: v.passed, reason: v.reason.code };
	}
	const exp = expectation(file);
	const passedNames = Object.entries(outcomes)
		.filter(([, o]) => o.passed)
		.map(([k]) => k);
	const asExpected =
		exp.passes.every((p) => p.split('|').some((alt) => passedNames.includes(alt))) &&
		passedNames.every(
			(p) => exp.passes.some((e) => e.split('|').includes(p)) || (exp.live && p !== 'digits')
		);
	rows.push({
		clip: file,
		detectEvery,
		frames: measurements.length,
		msPerFrame: Math.round(elapsedMs / measurements.length),
		faceFrames: measurements.filter((m) => m.faceCount === 1).length,
		multiFaceFrames: measurements.filter((m) => m.faceCount > 1).length,
		outcomes,
		spoofMedian: any?.spoof?.median ?? null,
		continuityMin: any?.continuity?.minSimilarity ?? null,
		expected: exp.passes.length
			? `passes ${exp.passes.join(', ')}`
			: exp.live
				? 'live, no asked action'
				: 'fails all',
		asExpected
	});
	console.error(
		`measured ${file} (detector every ${detectEvery}): ${measurements.length} frames in ${Math.round(elapsedMs)} ms`
	);
}

const cols = [...LIVENESS_ACTIONS, 'digits'];
const short = (o?: { passed: boolean; reason: string }) =>
	!o ? '-' : o.passed ? 'PASS' : o.reason.slice(0, 12);
const header = [
	'clip',
	'det',
	'frames',
	'ms/f',
	'1face',
	'multi',
	...cols,
	'spoof',
	'contin',
	'expected',
	'ok'
];
const table = rows.map((r) => [
	r.clip.replace(/\.(mjpeg|mp4)$/, '').slice(0, 34),
	String(r.detectEvery),
	String(r.frames),
	String(r.msPerFrame),
	String(r.faceFrames),
	String(r.multiFaceFrames),
	...cols.map((c) => short(r.outcomes[c])),
	r.spoofMedian === null ? '-' : r.spoofMedian.toFixed(3),
	r.continuityMin === null ? '-' : r.continuityMin.toFixed(3),
	r.expected,
	r.asExpected ? 'yes' : 'NO'
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
const summary = cadences.map((detectEvery) => {
	const mine = rows.filter((r) => r.detectEvery === detectEvery);
	return { detectEvery, clips: mine.length, asExpected: mine.filter((r) => r.asExpected).length };
});
for (const s of summary)
	console.log(
		`\ndetector every ${s.detectEvery} frame(s): ${s.asExpected}/${s.clips} clips judged as their content says (anti-spoof threshold ${replayOptions.antiSpoofThreshold}, placeholder; face match ${replayOptions.faceMatchThreshold})`
	);

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'liveness.json'),
	JSON.stringify(
		{
			generatedAt: new Date().toISOString(),
			thresholds: replayOptions,
			colourMsPerFrame: colourCost.msPerFrame,
			clips: rows,
			summary
		},
		null,
		2
	) + '\n'
);
