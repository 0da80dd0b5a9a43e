// The duplicate search's index on the embedded database (PGlite has no vector extension): one hnswlib index
// (WebAssembly) per province, in this process's memory, labelled by outcome id. It is derived state: rebuilt from
// face_embeddings at every start, in the background, while the province's searches scan every embedding (the same
// answer, slower). It only proposes the nearest ids; the stored float32 values decide (services/duplicates.ts).
// PGlite only: one process owns the database, so every insert and delete of the services passes through this
// process; a periodic check rebuilds an index whose province's rows changed otherwise (checkDrift).
import type { HnswlibModule } from 'hnswlib-wasm/dist/hnswlib.js';
import {
	sql,
	type KyselyPlugin,
	type PluginTransformQueryArgs,
	type PluginTransformResultArgs
} from 'kysely';
import { policies } from '../../core/policy/index.ts';
import { MEMORY_FACE_INDEX } from '../db/face-index.ts';
import type { Db } from '../db/index.ts';
import { decodeEmbedding } from './duplicates.ts';

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

/** One module for the process, loaded once; null when it cannot load (said once, then every search scans). */
let module: Promise<HnswlibModule | null> | null = null;
function hnswlib(): Promise<HnswlibModule | null> {
	module ??= loadHnswlibInNode().catch((error: unknown) => {
		console.error('face index: hnswlib-wasm did not load; duplicate searches scan every embedding:', error);
		return null;
	});
	return module;
}

/** Rows read per query while building, and index inserts between two turns of the event loop (~3 ms each). */
const BUILD_BATCH = 500;
const BUILD_SLICE = 8;
/** Room for confirmations beyond the rows at build time before the index is grown (doubled). */
const HEADROOM = 1024;

export type FaceIndexState = 'building' | 'ready' | 'failed';

class ProvinceIndex {
	state: FaceIndexState = 'building';
	index: HnswIndex | null = null;
	/** Labels in the index and not deleted. */
	readonly live = new Set<number>();
	/** While building: rows written after the build's high-water mark, and rows deleted meanwhile. */
	readonly queued = new Map<number, Float32Array>();
	readonly deletedWhileBuilding = new Set<number>();
}

/**
 * A database's province indexes. A Kysely plugin that changes nothing, so that a transaction of the database
 * (which keeps its plugins) finds the indexes of the database it runs on: tests open several in one process.
 */
export class MemoryFaceIndexes implements KyselyPlugin {
	readonly #provinces = new Map<string, ProvinceIndex>();
	#lib: HnswlibModule | null = null;
	#closed = false;
	#db: Db | null = null;
	#driftTimer: ReturnType<typeof setInterval> | null = null;
	#checking = false;
	/** Searches the index answered (the others scanned): what the tests and the bench observe. */
	searchedByIndex = 0;
	/** Settles when every province's build has ended (ready or failed). */
	built: Promise<void> = Promise.resolve();

	constructor() {
		// Every province is building from now on, so an insert before the build reads its rows is queued, not lost.
		for (const code of Object.keys(policies)) this.#provinces.set(code, new ProvinceIndex());
	}

	/** Starts the builds in the background, on the database whose plugin this is; never awaited by a request. */
	start(db: Db): void {
		this.#db = db;
		this.built = this.#buildAll(db);
		this.#driftTimer = setInterval(() => void this.checkDrift(), MEMORY_FACE_INDEX.driftCheckMs);
		this.#driftTimer.unref();
	}

	/**
	 * Compares each ready province's index with its rows (their count and highest outcome id) and rebuilds an index
	 * that differs, its searches scanning meanwhile as during the first build. Answers the provinces rebuilt. Rows
	 * changed behind the index's back that keep both figures (one deleted and an older one restored) go unseen.
	 */
	async checkDrift(): Promise<string[]> {
		const db = this.#db;
		if (!db || this.#checking) return [];
		this.#checking = true;
		const rebuilt: string[] = [];
		try {
			for (const [code, p] of this.#provinces) {
				if (p.state !== 'ready' || this.#closed) continue;
				const { high, rows } = await provinceRows(db, code);
				// Compared as the figures arrive: on PGlite's one connection no write ran since they were read.
				if (p.state !== 'ready' || (rows === p.live.size && (high ?? 0) === highestOf(p.live))) continue;
				const fresh = new ProvinceIndex();
				this.#provinces.set(code, fresh);
				p.index?.delete();
				p.index = null;
				rebuilt.push(code);
				await this.#guardAsync(fresh, () => this.#build(db, code, fresh));
			}
		} finally {
			this.#checking = false;
		}
		return rebuilt;
	}

	transformQuery(args: PluginTransformQueryArgs) {
		return args.node;
	}

	async transformResult(args: PluginTransformResultArgs) {
		return args.result;
	}

	stateOf(province: string): FaceIndexState | null {
		return this.#provinces.get(province)?.state ?? null;
	}

	/** Inside the recording transaction, with the province locked, right after its face_embeddings row is written. */
	add(province: string, outcomeId: number, vector: Float32Array): void {
		const p = this.#provinces.get(province);
		if (!p || p.state === 'failed') return;
		if (p.state === 'building') p.queued.set(outcomeId, vector);
		else this.#guard(p, () => this.#insert(p, outcomeId, vector));
	}

	/** After the rows are gone (retention committed) or were never kept (the recording transaction failed). */
	remove(province: string, outcomeIds: readonly number[]): void {
		const p = this.#provinces.get(province);
		if (!p || p.state === 'failed') return;
		if (p.state === 'building') {
			for (const id of outcomeIds) {
				p.queued.delete(id);
				p.deletedWhileBuilding.add(id);
			}
		} else this.#guard(p, () => this.#markDeleted(p, outcomeIds));
	}

	/** The ids of the k nearest rows of the province, or null when its index is not ready (the caller scans). */
	nearest(province: string, query: Float32Array, k: number, efSearch: number): number[] | null {
		const p = this.#provinces.get(province);
		if (p?.state !== 'ready') return null;
		return this.#guard(p, () => {
			this.searchedByIndex++;
			const count = Math.min(k, p.live.size);
			if (!p.index || count === 0) return [];
			p.index.setEfSearch(Math.max(efSearch, count));
			return Array.from(p.index.searchKnn(query, count, undefined).neighbors);
		});
	}

	close(): void {
		this.#closed = true;
		if (this.#driftTimer) clearInterval(this.#driftTimer);
		for (const p of this.#provinces.values()) {
			p.index?.delete();
			p.index = null;
			p.state = 'failed';
		}
	}

	async #buildAll(db: Db): Promise<void> {
		this.#lib = await hnswlib();
		for (const [code, p] of this.#provinces) {
			if (!this.#lib || this.#closed) p.state = 'failed';
			else await this.#guardAsync(p, () => this.#build(db, code, p));
		}
	}

	/** The province's rows up to the high-water mark in id order; then what was written or deleted meanwhile. */
	async #build(db: Db, code: string, p: ProvinceIndex): Promise<void> {
		// PGlite is one connection: no recording transaction is open while this runs, so every row up to `high` is
		// committed, and a later one has a higher id and is queued by add().
		const { high, rows } = await provinceRows(db, code);
		let after = 0;
		while (high !== null && after < high) {
			const batch = await db
				.selectFrom('face_embeddings')
				.select(['outcome_id', 'vector'])
				.where('province', '=', code)
				.where('outcome_id', '>', after)
				.where('outcome_id', '<=', high)
				.orderBy('outcome_id')
				.limit(BUILD_BATCH)
				.execute();
			if (this.#closed || p.state !== 'building') return;
			if (batch.length === 0) break;
			for (let i = 0; i < batch.length; i++) {
				this.#insert(p, batch[i].outcome_id, decodeEmbedding(batch[i].vector), rows);
				if (i % BUILD_SLICE === BUILD_SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
				if (this.#closed || p.state !== 'building') return;
			}
			after = batch[batch.length - 1].outcome_id;
		}
		// No await from here on: nothing is queued between these steps and the state turning ready.
		for (const [id, vector] of [...p.queued].sort(([a], [b]) => a - b)) this.#insert(p, id, vector);
		p.queued.clear();
		this.#markDeleted(p, [...p.deletedWhileBuilding]);
		p.deletedWhileBuilding.clear();
		p.state = 'ready';
	}

	#insert(p: ProvinceIndex, outcomeId: number, vector: Float32Array, expected = 0): void {
		if (p.live.has(outcomeId)) return;
		if (!p.index) {
			p.index = new this.#lib!.HierarchicalNSW(MEMORY_FACE_INDEX.space, vector.length, '') as HnswIndex;
			const { m, efConstruction, seed } = MEMORY_FACE_INDEX;
			p.index.initIndex(expected + HEADROOM, m, efConstruction, seed);
		}
		const capacity = p.index.getMaxElements();
		// Deleted labels keep their slots (no replaceDeleted: an outcome id is never reused).
		if (p.index.getCurrentCount() >= capacity) p.index.resizeIndex(capacity * 2);
		p.index.addPoint(vector, outcomeId, false);
		p.live.add(outcomeId);
	}

	/** In one call: each markDelete walks every label (O(n) in the wrapper). */
	#markDeleted(p: ProvinceIndex, outcomeIds: readonly number[]): void {
		const present = outcomeIds.filter((id) => p.live.has(id));
		if (!p.index || present.length === 0) return;
		p.index.markDeleteItems(present);
		for (const id of present) p.live.delete(id);
	}

	/** An index that threw is no longer trusted: the province scans until the next start. */
	#guard<T>(p: ProvinceIndex, work: () => T): T | null {
		try {
			return work();
		} catch (error) {
			this.#fail(p, error);
			return null;
		}
	}

	async #guardAsync(p: ProvinceIndex, work: () => Promise<void>): Promise<void> {
		try {
			await work();
		} catch (error) {
			this.#fail(p, error);
		}
	}

	#fail(p: ProvinceIndex, error: unknown): void {
		if (this.#closed) return;
		console.error('face index: a province index failed; its duplicate searches scan every embedding:', error);
		p.state = 'failed';
		p.index?.delete();
		p.index = null;
	}
}

/** How many embedding rows a province has, and the highest outcome id among them (null when none). */
async function provinceRows(db: Db, province: string): Promise<{ high: number | null; rows: number }> {
	const result = await sql<{ high: number | null; rows: number }>`select max(outcome_id) as high,
		count(*)::int as rows from face_embeddings where province = ${province}`.execute(db);
	return result.rows[0];
}

function highestOf(labels: ReadonlySet<number>): number {
	let high = 0;
	for (const label of labels) if (label > high) high = label;
	return high;
}

/** The province indexes of the database `db` (or of the database a transaction runs on); none on PostgreSQL. */
export function memoryFaceIndexes(db: Db): MemoryFaceIndexes | null {
	return (
		(db.getExecutor().plugins.find((p) => p instanceof MemoryFaceIndexes) as MemoryFaceIndexes | undefined) ??
		null
	);
}
