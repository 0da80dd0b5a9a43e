// Recorded measurement traces (tests/support/record-trace.ts) and their conversion back to FaceMeasurement.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import type { AudioFeature } from '../../../src/lib/core/liveness/vad.ts';

export interface TraceFrame {
	t: number;
	n: number;
	box: [number, number, number, number] | null;
	score: number | null;
	/** Five keypoints (right eye, left eye, nose, right and left mouth corner) as x,y pairs. */
	kp: number[] | null;
	pose: [number, number, number] | null;
	eyes: [number, number] | null;
	/** Landmark eye aspect ratio per eye. */
	ear: [number, number] | null;
	mouth: number | null;
}

export interface Trace {
	clip: string;
	recordedWith: string;
	/** Commit of src/lib/core/face that measured it. */
	faceEngine?: string;
	fps: number;
	width: number;
	height: number;
	frames: TraceFrame[];
	/** Identity/anti-spoof samples (about every 500 ms) and their pairwise embedding cosine similarities. */
	samples: { t: number; live: number }[];
	similarity: number[][];
	/** [t ms, energy dBFS, zero-crossing rate] per 10 ms hop, for clips with a sound track. */
	audio: { durationMs: number; features: [number, number, number][] } | null;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'traces');

export function loadTrace(name: string): Trace {
	return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Trace;
}

export function toMeasurement(f: TraceFrame): FaceMeasurement {
	const m: FaceMeasurement = {
		t: f.t,
		faceCount: f.n,
		face: f.box
			? { box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] }, score: f.score ?? 1 }
			: null
	};
	const kp = f.kp;
	if (m.face && kp) m.face.keypoints = [0, 1, 2, 3, 4].map((i) => ({ x: kp[2 * i], y: kp[2 * i + 1] }));
	if (f.pose) m.pose = { yaw: f.pose[0], pitch: f.pose[1], roll: f.pose[2] };
	if (f.eyes) m.eyeOpenness = { left: f.eyes[0], right: f.eyes[1] };
	if (f.ear) m.eyeAspectRatio = { left: f.ear[0], right: f.ear[1] };
	if (f.mouth !== null) m.mouthOpenness = f.mouth;
	return m;
}

export function measurements(trace: Trace): FaceMeasurement[] {
	return trace.frames.map(toMeasurement);
}

export function audioOf(trace: Trace): { features: AudioFeature[]; durationMs: number } {
	if (!trace.audio) throw new Error(`${trace.clip} has no audio`);
	return {
		durationMs: trace.audio.durationMs,
		features: trace.audio.features.map(([t, energyDb, zcr]) => ({ t, energyDb, zcr }))
	};
}
