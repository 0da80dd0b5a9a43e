// The photo re-check of the built server in worker threads: JPEG decode (sharp), file rules and background
// statistics run there, and with the server's face engine (ZV_SERVER_FACE=1) the face count and the embedding of
// the photo's one face for the duplicate-identity check; only the reasons and the embedding come back.
//
// Why: on the event loop, each re-check allocated ~2.5 MB of array buffers (the decoded RGBA pixels, the zone mask,
// the background's Lab values) that V8 counts as external memory, so under load the server's heap ran a full
// mark-compact every 15-20 verifications; with the server's ~20 MB of live objects each one cost 20-60 ms of CPU
// (main thread and V8's helper threads, ~5 ms per verification). In a worker the same buffers are collected
// against a heap of a few MB, and the event loop is also spared the background statistics (~1.5 ms).
//
// The module is its own worker: the built server (an ES module chunk) starts `new Worker(import.meta.url)` with a
// marker in workerData, and that copy only answers jobs. Run from TypeScript sources (vitest, tsx) there is no
// built chunk to start, so the re-check stays in-process there, as it does with ZV_PHOTO_WORKERS=0.
//
// With the face engine, each worker loads its own onnxruntime sessions: the models' ~25 ms of inference per photo
// ran on the event loop before (onnxruntime-node runs a session synchronously there), which held one instance
// to ~20 verifications a second.
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { FaceEngine } from '../core/face/types.ts';
import type { RgbaImage } from '../core/image/types.ts';
import type { PhotoReason } from '../core/photo/reasons.ts';
import { recheckPixelLimit, recheckUploadedPhoto } from '../core/photo/recheck.ts';
import type { PhotoSpec } from '../core/photo/spec.ts';
import { decodeUploadJpeg } from '../runtime/node-image.ts';
import {
	embedJpegFaces,
	embedPhoto,
	measuringOnce,
	recentEmbedding,
	rememberEmbedding,
	serverFaceEngine,
	type JpegFaces
} from './face.ts';
import { answerJobs, WorkerChannel, WorkerGone } from './worker-bridge.ts';

const ROLE = 'zv-photo-recheck';

/** A photo to re-check, or (no spec) a JPEG whose one face to embed: a reference photo, the simulator's probe. */
interface Job {
	bytes: Uint8Array;
	spec: PhotoSpec | null;
}
type Answer = RecheckResult | JpegFaces;

export interface RecheckResult {
	/** Why the photo is refused; empty = accepted. */
	reasons: PhotoReason[];
	/** The embedding of the photo's one face (face engine on, photo accepted), for the duplicate-identity check. */
	embedding: number[] | null;
}

/**
 * The re-check as the phone runs it, with the native decoder; with a face engine, also the face count and, for an
 * accepted photo, the embedding of its face (the detector runs once for both, on the pixels decoded once).
 */
export async function recheckInProcess(
	bytes: Uint8Array,
	spec: PhotoSpec,
	face: FaceEngine | null
): Promise<RecheckResult> {
	let decoded: Promise<RgbaImage> | null = null;
	// The core skips larger frames by their header; the decoder refuses them too, should libjpeg read another size.
	const decode = (b: Uint8Array) => (decoded ??= decodeUploadJpeg(b, recheckPixelLimit(spec)));
	const once = face ? measuringOnce(face) : null;
	const { reasons } = await recheckUploadedPhoto(bytes, spec, once ?? undefined, decode);
	if (!once || reasons.length > 0) return { reasons, embedding: null };
	const embedding: number[] | null = await decode(bytes)
		.then((image) => embedPhoto(once, image))
		.catch((error: unknown) => {
			// The outcome is still recorded; only the duplicate check is skipped, and that must be visible.
			console.error(
				'duplicate check skipped, embedding failed:',
				error instanceof Error ? error.message : error
			);
			return null;
		});
	if (embedding && isMainThread) rememberEmbedding(bytes, embedding);
	return { reasons, embedding };
}

answerJobs<Job, Answer>(ROLE, async (job) => {
	const face = await serverFaceEngine();
	if (job.spec) return recheckInProcess(job.bytes, job.spec, face);
	if (!face) throw new Error('embedding a photo needs the server face engine');
	return embedJpegFaces(face, job.bytes);
});

/** Workers (ZV_PHOTO_WORKERS, default the cores, at most 4); jobs go to the one with the fewest pending. */
export class PhotoRecheckPool {
	private readonly slots: (WorkerChannel<Job, Answer> | null)[];

	constructor(
		private readonly entry: URL,
		size: number
	) {
		this.slots = Array.from({ length: size }, () => null);
	}

	async recheck(bytes: Uint8Array, spec: PhotoSpec): Promise<RecheckResult> {
		const result = await this.run<RecheckResult>(bytes, spec).catch(async (error: unknown) => {
			// A worker that died takes its jobs with it: those run here instead, so no verdict is lost or weakened.
			if (error instanceof WorkerGone) return recheckInProcess(bytes, spec, await serverFaceEngine());
			throw error;
		});
		if (result.embedding) rememberEmbedding(bytes, result.embedding);
		return result;
	}

	/** The embedding of the JPEG's one face, computed in a worker (the face engine must be on). */
	async embed(bytes: Uint8Array): Promise<JpegFaces> {
		return this.run<JpegFaces>(bytes, null).catch(async (error: unknown) => {
			const face = await serverFaceEngine();
			if (error instanceof WorkerGone && face) return embedJpegFaces(face, bytes);
			throw error;
		});
	}

	private run<T extends Answer>(bytes: Uint8Array, spec: PhotoSpec | null): Promise<T> {
		// A copy goes to the worker (structured clone): the caller keeps its bytes to store them.
		return this.leastBusy().request({ bytes, spec }) as Promise<T>;
	}

	async close(): Promise<void> {
		await Promise.all(this.slots.map((slot) => slot?.terminate()));
	}

	private leastBusy(): WorkerChannel<Job, Answer> {
		let best = 0;
		for (let i = 0; i < this.slots.length; i++) {
			if (!this.slots[i]) return (this.slots[i] = this.start(i));
			if (this.slots[i]!.pending < this.slots[best]!.pending) best = i;
		}
		return this.slots[best]!;
	}

	private start(index: number): WorkerChannel<Job, Answer> {
		const slot: WorkerChannel<Job, Answer> = new WorkerChannel(this.entry, ROLE, 'photo re-check', () => {
			if (this.slots[index] === slot) this.slots[index] = null;
		});
		return slot;
	}
}

let pool: PhotoRecheckPool | null | undefined;

/** The server's pool, or null where the re-check runs in-process (TypeScript sources, ZV_PHOTO_WORKERS=0). */
export function photoRecheckPool(): PhotoRecheckPool | null {
	if (pool !== undefined) return pool;
	const entry = new URL(import.meta.url);
	const configured = process.env.ZV_PHOTO_WORKERS;
	const size =
		configured !== undefined && configured !== ''
			? Math.max(0, Math.floor(Number(configured)) || 0)
			: Math.min(4, availableParallelism());
	pool =
		entry.protocol === 'file:' && entry.pathname.endsWith('.js') && size > 0
			? new PhotoRecheckPool(entry, size)
			: null;
	return pool;
}

/**
 * The embedding of a JPEG's one face, off the event loop where the pool runs (a reference photo at registration,
 * the simulator's probe), reusing what a re-check of the same bytes just measured. The face engine must be on.
 */
export async function embedServerJpeg(bytes: Uint8Array): Promise<JpegFaces> {
	const known = recentEmbedding(bytes);
	if (known) return { decodable: true, embedding: known };
	const pool = photoRecheckPool();
	if (pool) return pool.embed(bytes);
	const face = await serverFaceEngine();
	if (!face) throw new Error('embedding a photo needs the server face engine');
	return embedJpegFaces(face, bytes);
}
