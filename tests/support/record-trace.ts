// Regenerates tests/unit/liveness/traces/*.json: per-frame face measurements (numbers only, no media) of every
// fixture clip, so the liveness unit tests run on real measurement traces without models or video.
// Usage: npx tsx tests/support/record-trace.ts [clip-name-substring]
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { audioFeatures } from '../../src/lib/core/liveness/vad.ts';
import { cosineSimilarity } from '../../src/lib/core/face/match.ts';
import { decodeAudio, replayClip } from '../../src/cli/commands/liveness.ts';
import { fixture } from './fixtures.ts';
import type { Trace } from '../unit/liveness/trace.ts';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'unit', 'liveness', 'traces');
const r = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

async function record(path: string): Promise<Trace> {
	// Fixed 15 fps for the mp4 clips keeps traces small and matches the camera loop on a phone.
	const fps = path.endsWith('.mp4') ? 15 : null;
	// A never-ending challenge keeps every frame measured and sampled: the trace is the whole clip.
	const { measurements, samples, clip } = await replayClip(path, {
		challenge: ['blink', 'open_mouth'],
		fps,
		stopWhenDecided: false,
		stepTimeoutMs: 1e9
	});
	const wav = path.replace(/_640x480_25fps\.mjpeg$/, '.wav');
	let audio: Trace['audio'] = null;
	if (wav !== path) {
		const { pcm, sampleRate } = decodeAudio(wav);
		audio = {
			durationMs: r((pcm.length / sampleRate) * 1000, 1),
			features: audioFeatures(pcm, sampleRate).map((f) => [r(f.t, 1), r(f.energyDb, 2), r(f.zcr, 4)])
		};
	}
	return {
		clip: basename(path),
		recordedWith: 'tests/support/record-trace.ts',
		faceEngine,
		fps: clip.fps,
		width: clip.width,
		height: clip.height,
		frames: measurements.map((m) => ({
			t: m.t,
			n: m.faceCount,
			box: m.face
				? [r(m.face.box.x, 1), r(m.face.box.y, 1), r(m.face.box.width, 1), r(m.face.box.height, 1)]
				: null,
			score: m.face ? r(m.face.score) : null,
			kp: m.face?.keypoints ? m.face.keypoints.flatMap((p) => [r(p.x, 1), r(p.y, 1)]) : null,
			pose: m.pose ? [r(m.pose.yaw, 2), r(m.pose.pitch, 2), r(m.pose.roll, 2)] : null,
			eyes: m.eyeOpenness ? [r(m.eyeOpenness.left), r(m.eyeOpenness.right)] : null,
			ear: m.eyeAspectRatio ? [r(m.eyeAspectRatio.left), r(m.eyeAspectRatio.right)] : null,
			mouth: m.mouthOpenness === undefined ? null : r(m.mouthOpenness, 4)
		})),
		samples: samples.map((s) => ({ t: s.t, live: r(s.live, 4) })),
		similarity: samples.map((a) => samples.map((b) => r(cosineSimilarity(a.embedding, b.embedding)))),
		audio
	};
}

// Which face engine measured the trace: the last commit touching core/face (plus "+dirty" for local edits).
const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const faceEngine =
	git('log', '-1', '--format=%h', '--', 'src/lib/core/face') +
	(git('status', '--porcelain', '--', 'src/lib/core/face') ? '+dirty' : '');

const filter = process.argv[2] ?? '';
const clipsDir = dirname(fixture('clips', 'live_blink_selfie.mp4'));
const clips = readdirSync(clipsDir)
	.filter((f) => /\.(mjpeg|mp4)$/.test(f) && f.includes(filter))
	.sort();
for (const file of clips) {
	const started = Date.now();
	const trace = await record(join(clipsDir, file));
	const out = join(outDir, `${trace.clip.replace(/\.(mjpeg|mp4)$/, '')}.json`);
	// Written as prettier formats it, so `npm run check` accepts regenerated traces unchanged.
	const options = (await prettier.resolveConfig(out)) ?? {};
	writeFileSync(out, await prettier.format(JSON.stringify(trace), { ...options, filepath: out }));
	console.log(
		`${file}: ${trace.frames.length} frames, ${trace.samples.length} samples -> ${out} (${Date.now() - started} ms)`
	);
}
