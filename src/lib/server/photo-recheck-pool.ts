// The photo re-check of the built server in worker threads: JPEG decode (sharp), file rules and background
// statistics run there, and only the reasons come back.
//
// Why: on the event loop, each re-check allocated ~2.5 MB of array buffers (the decoded RGBA pixels, the zone mask,
// the background's Lab values) that V8 counts as external memory, so under load the server's heap ran a full
// mark-compact every 15-20 verifications; with the server's ~20 MB of live objects each one cost 20-60 ms of CPU
// (main thread and V8's helper threads, ~5 ms per verification). In a worker the same buffers are collected
// against a heap of a few MB, and the event loop is also spared the background statistics (~1.5 ms).
//
// The module is its own worker: the built server (an ES module chunk) starts `new Worker(import.meta.url)` with a
// marker in workerData, and that copy only answers jobs. Run from TypeScript sources (vitest, tsx) there is no
// built chunk to start, so the re-check stays in-process there, as it does with the face engine on (its
// measurements need the decoded pixels on the thread that runs the face models) or ZV_PHOTO_WORKERS=0.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { PhotoReason } from '../core/photo/reasons.ts';
import { recheckUploadedPhoto } from '../core/photo/recheck.ts';
import type { PhotoSpec } from '../core/photo/spec.ts';
import { decodeUploadJpeg } from '../runtime/node-image.ts';

const ROLE = 'zv-photo-recheck';

interface Job {
	id: number;
	bytes: Uint8Array;
	spec: PhotoSpec;
}
type Reply = { id: number; reasons: PhotoReason[] } | { id: number; error: string };

/** The re-check as the phone and the in-process server run it, with the native decoder. */
export async function recheckInProcess(bytes: Uint8Array, spec: PhotoSpec): Promise<PhotoReason[]> {
	return (await recheckUploadedPhoto(bytes, spec, undefined, decodeUploadJpeg)).reasons;
}

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === ROLE) {
	const port = parentPort;
	port.on('message', (job: Job) => {
		recheckInProcess(job.bytes, job.spec).then(
			(reasons) => port.postMessage({ id: job.id, reasons } satisfies Reply),
			(error: unknown) =>
				port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) })
		);
	});
}

interface Slot {
	worker: Worker;
	pending: Map<number, { resolve: (r: PhotoReason[]) => void; reject: (e: Error) => void }>;
}

/** Workers (ZV_PHOTO_WORKERS, default the cores, at most 4); jobs go to the one with the fewest pending. */
export class PhotoRecheckPool {
	private readonly slots: (Slot | null)[];
	private nextId = 1;

	constructor(
		private readonly entry: URL,
		size: number
	) {
		this.slots = Array.from({ length: size }, () => null);
	}

	recheck(bytes: Uint8Array, spec: PhotoSpec): Promise<PhotoReason[]> {
		const slot = this.leastBusy();
		const id = this.nextId++;
		return new Promise<PhotoReason[]>((resolve, reject) => {
			slot.pending.set(id, { resolve, reject });
			// A copy goes to the worker (structured clone): the caller keeps its bytes to store them.
			slot.worker.postMessage({ id, bytes, spec } satisfies Job);
		}).catch((error: unknown) => {
			// A worker that died takes its jobs with it: those run here instead, so no verdict is lost or weakened.
			if (error instanceof WorkerGone) return recheckInProcess(bytes, spec);
			throw error;
		});
	}

	async close(): Promise<void> {
		await Promise.all(this.slots.map((slot) => slot?.worker.terminate()));
	}

	private leastBusy(): Slot {
		let best = 0;
		for (let i = 0; i < this.slots.length; i++) {
			if (!this.slots[i]) return (this.slots[i] = this.start(i));
			if (this.slots[i]!.pending.size < this.slots[best]!.pending.size) best = i;
		}
		return this.slots[best]!;
	}

	private start(index: number): Slot {
		const worker = new Worker(this.entry, { workerData: { role: ROLE } });
		// Idle workers do not keep the process alive (tests, a server shutting down).
		worker.unref();
		const slot: Slot = { worker, pending: new Map() };
		worker.on('message', (reply: Reply) => {
			const job = slot.pending.get(reply.id);
			if (!job) return;
			slot.pending.delete(reply.id);
			if ('error' in reply) job.reject(new Error(reply.error));
			else job.resolve(reply.reasons);
		});
		const gone = (why: string) => {
			if (this.slots[index] === slot) this.slots[index] = null;
			for (const job of slot.pending.values()) job.reject(new WorkerGone(why));
			slot.pending.clear();
		};
		worker.on('error', (error) => {
			console.error('photo re-check worker failed:', error.message);
			gone(error.message);
		});
		worker.on('exit', (code) => gone(`exited with ${code}`));
		return slot;
	}
}

class WorkerGone extends Error {}

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
