// `zv liveness replay CLIP --challenge '["blink","turn_left"]' [--fps N] [--audio WAV] [--province P]`: decodes a recorded clip with
// ffmpeg, measures every frame with the face engine on onnxruntime-node and runs the same liveness checks as the phone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createFaceEngine } from '../../lib/core/face/engine.ts';
import type { FaceEngine, FaceMeasurement } from '../../lib/core/face/types.ts';
import {
	replayActions,
	replayDigits,
	type LivenessAction,
	type ReplayResult,
	type Sample,
	type TimedFrame
} from '../../lib/core/liveness/index.ts';
import { LIVENESS_ACTIONS } from '../../lib/core/policy/types.ts';
import { DEFAULT_THRESHOLDS } from '../../lib/core/policy/thresholds.ts';
import { nodeRuntime } from '../../lib/runtime/node.ts';
import { CliError, printJson } from '../errors.ts';
import { cliPolicy } from '../province.ts';

export const summary =
	'replay CLIP --challenge \'["blink","turn_left"]\' [--fps N] [--audio WAV] [--province P]';

export interface ClipInfo {
	width: number;
	height: number;
	fps: number;
}

/** MJPEG stores no frame rate; the fixtures carry it in the name (..._25fps.mjpeg). */
export function fpsFromName(path: string): number | null {
	const m = /_(\d+(?:\.\d+)?)fps\b/.exec(path);
	return m ? Number(m[1]) : null;
}

function inputArgs(path: string, fps: number | null): string[] {
	return path.toLowerCase().endsWith('.mjpeg') || path.toLowerCase().endsWith('.mjpg')
		? ['-f', 'mjpeg', '-framerate', String(fps ?? fpsFromName(path) ?? 15), '-i', path]
		: ['-i', path];
}

function checkFile(path: string | undefined, what: string): string {
	if (!path) throw new CliError(`missing ${what} argument`, 2);
	if (!existsSync(path)) throw new CliError(`${path}: no such file`, 2);
	if (!statSync(path).isFile()) throw new CliError(`${path}: not a file`, 2);
	return path;
}

/** Size and rate of the first video stream, or a CliError when the file is not a video ffmpeg can read. */
export function probeClip(path: string, fps: number | null = null): ClipInfo {
	const args = ['-v', 'error', ...inputArgs(path, fps).slice(0, -2), '-select_streams', 'v:0'];
	args.push('-show_entries', 'stream=width,height,r_frame_rate,codec_type', '-of', 'json', path);
	const res = spawnSync('ffprobe', args, { encoding: 'utf8' });
	if (res.error) throw new CliError('ffprobe is not installed (apt-get install ffmpeg)', 4);
	const stream =
		res.status === 0 ? (JSON.parse(res.stdout).streams?.[0] as Record<string, unknown>) : undefined;
	if (!stream || !stream.width || !stream.height)
		throw new CliError(`${path}: not a video this tool can read`, 3);
	const [num, den] = String(stream.r_frame_rate ?? '15/1')
		.split('/')
		.map(Number);
	const native = den ? num / den : num;
	return {
		width: Number(stream.width),
		height: Number(stream.height),
		fps: fps ?? fpsFromName(path) ?? native
	};
}

/** Streams RGBA frames from ffmpeg one at a time (a 10 s clip would be ~200 MB decoded at once). */
export async function* decodeFrames(
	path: string,
	info: ClipInfo,
	resample: boolean
): AsyncGenerator<TimedFrame> {
	const args = ['-v', 'error', ...inputArgs(path, info.fps)];
	if (resample) args.push('-vf', `fps=${info.fps}`);
	args.push('-f', 'rawvideo', '-pix_fmt', 'rgba', '-');
	const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
	const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
	const size = info.width * info.height * 4;
	let pending: Buffer = Buffer.alloc(0);
	let index = 0;
	try {
		for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
			pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
			while (pending.length >= size) {
				const data = new Uint8ClampedArray(size);
				data.set(pending.subarray(0, size));
				pending = pending.subarray(size);
				yield {
					image: { width: info.width, height: info.height, data },
					t: Math.round((index++ * 1000) / info.fps)
				};
			}
		}
	} finally {
		if (child.exitCode === null) child.kill();
	}
	const code = await exited;
	if (code !== 0 && index === 0)
		throw new CliError(`${path}: ffmpeg could not decode it: ${stderr.trim()}`, 3);
}

/** Decodes any audio ffmpeg reads to mono float PCM at 16 kHz. */
export function decodeAudio(path: string, sampleRate = 16000): { pcm: Float32Array; sampleRate: number } {
	const res = spawnSync(
		'ffmpeg',
		['-v', 'error', '-i', path, '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', '-'],
		{
			maxBuffer: 256 * 1024 * 1024
		}
	);
	if (res.error) throw new CliError('ffmpeg is not installed (apt-get install ffmpeg)', 4);
	if (res.status !== 0 || res.stdout.length < 4)
		throw new CliError(`${path}: not audio this tool can read`, 3);
	const bytes = res.stdout as Buffer;
	const pcm = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~3)));
	return { pcm, sampleRate };
}

const engines = new Map<number, FaceEngine>();
/** One engine per detector cadence (1 = every frame, as the CLI measures; 3 = the phone's camera loop). */
export function nodeFaceEngine(detectEvery = 1): FaceEngine {
	let engine = engines.get(detectEvery);
	if (!engine) engines.set(detectEvery, (engine = createFaceEngine(nodeRuntime, { detectEvery })));
	return engine;
}

/** The thresholds every province policy starts from; `--province` takes that province's resolved ones. */
export const replayThresholds = {
	faceMatch: DEFAULT_THRESHOLDS.faceMatch.value,
	antiSpoof: DEFAULT_THRESHOLDS.antiSpoof.value
};

export interface ReplayClipOptions {
	challenge: LivenessAction[] | 'digits';
	fps?: number | null;
	audio?: string | null;
	/** The CLI stops at the decision; the bench and trace recorder read every frame. */
	stopWhenDecided?: boolean;
	stepTimeoutMs?: number;
	thresholds?: { faceMatch: number; antiSpoof: number };
}

export async function replayClip(
	path: string,
	options: ReplayClipOptions
): Promise<ReplayResult & { clip: ClipInfo }> {
	const info = probeClip(path, options.fps ?? null);
	const resample = options.fps != null && !path.toLowerCase().endsWith('.mjpeg');
	const frames = decodeFrames(path, info, resample);
	const thresholds = options.thresholds ?? replayThresholds;
	const common = {
		faceMatchThreshold: thresholds.faceMatch,
		antiSpoofThreshold: thresholds.antiSpoof,
		stopWhenDecided: options.stopWhenDecided
	};
	if (options.challenge === 'digits' || options.audio) {
		if (!options.audio) throw new CliError('a digit-reading replay needs --audio WAV', 2);
		const audio = decodeAudio(options.audio);
		const result = await replayDigits(frames, nodeFaceEngine(), audio, undefined, common);
		return { ...result, clip: info };
	}
	const challenge = {
		kind: 'actions' as const,
		actions: options.challenge,
		stepTimeoutMs: options.stepTimeoutMs ?? 10_000
	};
	const result = await replayActions(frames, nodeFaceEngine(), challenge, common);
	return { ...result, clip: info };
}

/** Measures every frame of a clip (and samples identity/anti-spoof) once, for judging many challenges on it. */
export async function measureClip(path: string, fps: number | null = null, detectEvery = 1) {
	const info = probeClip(path, fps);
	const resample = fps != null && !path.toLowerCase().endsWith('.mjpeg');
	const engine = nodeFaceEngine(detectEvery);
	const measurements: FaceMeasurement[] = [];
	const samples: Sample[] = [];
	const started = performance.now();
	for await (const frame of decodeFrames(path, info, resample)) {
		const m = await engine.measure(frame.image, frame.t);
		measurements.push(m);
		const last = samples[samples.length - 1];
		if (m.faceCount === 1 && m.face && (!last || frame.t - last.t >= 500)) {
			const [emb, live] = await Promise.all([
				engine.embed(frame.image, m.face),
				engine.liveness(frame.image, m.face)
			]);
			samples.push({ t: frame.t, embedding: emb.vector, live });
		}
	}
	return { clip: info, measurements, samples, elapsedMs: performance.now() - started };
}

export const replayOptions = {
	faceMatchThreshold: replayThresholds.faceMatch,
	antiSpoofThreshold: replayThresholds.antiSpoof
};

function parseChallenge(raw: string | undefined): LivenessAction[] {
	if (!raw)
		throw new CliError('missing --challenge (a JSON array of actions, e.g. \'["blink","turn_left"]\')', 2);
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		throw new CliError(`--challenge is not JSON: ${raw}`, 2);
	}
	if (!Array.isArray(parsed) || parsed.length === 0)
		throw new CliError('--challenge must be a non-empty JSON array', 2);
	for (const a of parsed) {
		if (!(LIVENESS_ACTIONS as readonly unknown[]).includes(a)) {
			throw new CliError(`unknown action ${JSON.stringify(a)} (known: ${LIVENESS_ACTIONS.join(', ')})`, 2);
		}
	}
	return parsed as LivenessAction[];
}

function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
	const positional: string[] = [];
	const flags: Record<string, string> = {};
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a.startsWith('--')) {
			const [key, inline] = a.slice(2).split('=', 2);
			const value = inline ?? args[++i];
			if (value === undefined) throw new CliError(`--${key} needs a value`, 2);
			flags[key] = value;
		} else positional.push(a);
	}
	return { positional, flags };
}

export async function run(args: string[]): Promise<number> {
	const [sub, ...rest] = args;
	if (sub !== 'replay') {
		throw new CliError(`unknown subcommand ${sub ? `"${sub}"` : '(none)'}; usage: zv liveness ${summary}`, 2);
	}
	const { positional, flags } = parseArgs(rest);
	const clip = checkFile(positional[0], 'CLIP');
	const audio = flags.audio ? checkFile(flags.audio, 'WAV') : null;
	const fps = flags.fps ? Number(flags.fps) : null;
	if (fps !== null && !(fps > 0 && fps <= 120))
		throw new CliError(`--fps must be a number of frames per second`, 2);
	const challenge = audio && !flags.challenge ? 'digits' : parseChallenge(flags.challenge);
	const policy = flags.province ? cliPolicy(flags.province) : null;
	const { verdict, clip: info } = await replayClip(clip, {
		challenge,
		fps,
		audio,
		stopWhenDecided: true,
		thresholds: policy?.thresholds,
		stepTimeoutMs:
			policy?.policy.liveness.kind === 'actions' ? policy.policy.liveness.stepTimeoutMs : undefined
	});
	printJson({
		passed: verdict.passed,
		reason: verdict.reason.code,
		message: { zh: verdict.reason.zh, en: verdict.reason.en },
		reasons: verdict.reasons.map((r) => r.code),
		steps: verdict.steps,
		continuity: verdict.continuity,
		spoof: verdict.spoof,
		measures: verdict.measures,
		timings: verdict.timings,
		clip: info
	});
	return verdict.passed ? 0 : 1;
}
