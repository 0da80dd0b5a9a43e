// The worker thread that holds the embedded database's duplicate-search indexes (face-index-memory.ts keeps their
// state and talks to it): building an index of 100,000 embeddings costs minutes of CPU in hnswlib, which on the
// event loop would hold every request of the server back. Imported on first use, so that the built server's
// worker starts from a chunk of its own and not from the database's.
import type { HnswlibModule } from 'hnswlib-wasm/dist/hnswlib.js';
import { answerJobs, WorkerChannel } from '../worker-bridge.ts';

const ROLE = 'zv-face-index';

/** The Emscripten factory of the pinned 0.8.2: the package has no entry Node can resolve. */
const HNSWLIB_FACTORY = 'hnswlib-wasm/dist/hnswlib-317962d7.js';

/**
 * hnswlib-wasm in Node. Its Emscripten build is for browsers only: it refuses to start where neither `window` nor
 * `importScripts` exists, so a no-op importScripts is there while it starts (nothing calls it: the wasm is inlined).
 * The factory is called directly: the package's loadHnswlib() would also mount IDBFS and sync it from IndexedDB,
 * which Node lacks. An index kept only in memory needs no file system. Each call is a module with a heap of its own.
 */
export async function loadHnswlibInNode(): Promise<HnswlibModule> {
	const { default: factory } = (await import(/* @vite-ignore */ HNSWLIB_FACTORY)) as {
		default: () => Promise<HnswlibModule>;
	};
	const g = globalThis as { importScripts?: () => void };
	const had = 'importScripts' in g;
	if (!had) g.importScripts = () => {};
	try {
		return await factory();
	} finally {
		if (!had) delete g.importScripts;
	}
}

/** An index as embind makes it: its declared methods, and delete(), which frees the C++ object. */
export type HnswIndex = InstanceType<HnswlibModule['HierarchicalNSW']> & { delete(): void };

export interface IndexParameters {
	space: 'cosine' | 'ip' | 'l2';
	m: number;
	efConstruction: number;
	seed: number;
}

/**
 * What the worker is asked, answered in the order sent. `reset` drops the province's index (a rebuild starts);
 * `add` carries the vectors packed one after another, and creates the index with the first (capacity and
 * parameters then apply); `memory` answers the wasm heap's bytes.
 */
export type FaceIndexJob =
	| { op: 'reset'; province: string }
	| {
			op: 'add';
			province: string;
			ids: number[];
			vectors: Float32Array;
			capacity: number;
			parameters: IndexParameters;
	  }
	| { op: 'remove'; province: string; ids: number[] }
	| { op: 'search'; province: string; query: Float32Array; k: number; efSearch: number }
	| { op: 'memory' };
export type FaceIndexAnswer = number[] | number | null;

class Indexes {
	readonly #byProvince = new Map<string, { index: HnswIndex; dim: number }>();
	constructor(readonly lib: HnswlibModule) {}

	apply(job: FaceIndexJob): FaceIndexAnswer {
		if (job.op === 'memory') return this.lib.HEAPU8.buffer.byteLength;
		if (job.op === 'reset') {
			this.#byProvince.get(job.province)?.index.delete();
			this.#byProvince.delete(job.province);
			return null;
		}
		if (job.op === 'add' && !this.#byProvince.has(job.province)) this.#create(job);
		const entry = this.#byProvince.get(job.province);
		if (!entry) throw new Error(`no face index for ${job.province}`);
		try {
			return this.#onIndex(entry, job);
		} catch (error) {
			// An index that threw is no longer trusted: every later job of the province fails until it is created anew.
			entry.index.delete();
			this.#byProvince.delete(job.province);
			throw error;
		}
	}

	#create({ province, ids, vectors, capacity, parameters }: Extract<FaceIndexJob, { op: 'add' }>): void {
		const dim = vectors.length / ids.length;
		const index = new this.lib.HierarchicalNSW(parameters.space, dim, '') as HnswIndex;
		try {
			index.initIndex(capacity, parameters.m, parameters.efConstruction, parameters.seed);
		} catch (error) {
			index.delete();
			throw error;
		}
		this.#byProvince.set(province, { index, dim });
	}

	#onIndex({ index, dim }: { index: HnswIndex; dim: number }, job: FaceIndexJob): FaceIndexAnswer {
		if (job.op === 'add') {
			for (let i = 0; i < job.ids.length; i++) {
				const capacity = index.getMaxElements();
				if (index.getCurrentCount() >= capacity) index.resizeIndex(capacity * 2);
				// Deleted labels keep their slots (no replaceDeleted: an outcome id is never reused).
				index.addPoint(job.vectors.subarray(i * dim, (i + 1) * dim), job.ids[i], false);
			}
			return null;
		}
		// In one call: each markDelete walks every label (O(n) in the wrapper).
		if (job.op === 'remove') index.markDeleteItems(job.ids);
		if (job.op !== 'search') return null;
		index.setEfSearch(Math.max(job.efSearch, job.k));
		return Array.from(index.searchKnn(job.query, job.k, undefined).neighbors);
	}
}

let indexes: Promise<Indexes> | null = null;
let turn: Promise<unknown> = Promise.resolve();
answerJobs<FaceIndexJob, FaceIndexAnswer>(ROLE, (job) => {
	indexes ??= loadHnswlibInNode().then((lib) => new Indexes(lib));
	// Strictly one job after the other, as sent: a search must see every add sent before it.
	const answer = turn.then(async () => (await indexes!).apply(job));
	turn = answer.catch(() => {});
	return answer;
});

/** A new worker holding face indexes; `onGone` when it failed or exited (its indexes are lost). */
export function startFaceIndexWorker(
	onGone: (why: string) => void
): WorkerChannel<FaceIndexJob, FaceIndexAnswer> {
	return new WorkerChannel(new URL(import.meta.url), ROLE, 'face index', onGone);
}
