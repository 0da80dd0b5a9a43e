// The duplicate search's index on the embedded database (PGlite has no vector extension): one hnswlib index
// (WebAssembly) per province, held by a worker thread of this process (face-index-worker.ts), labelled by outcome
// id. It is derived state: rebuilt from face_embeddings at every start, in the background. While a province's index
// builds, its searches scan every embedding rather than wait for it: the same answer, slower, where waiting would
// hold a confirmation (and its province lock) for the rest of the build. It only proposes the nearest ids; the
// stored float32 values decide (services/duplicates.ts).
// PGlite only: one process owns the database, so every insert and delete of the services passes through this
// process; a periodic check rebuilds an index whose province's rows changed otherwise (checkDrift).
import {
	sql,
	type KyselyPlugin,
	type PluginTransformQueryArgs,
	type PluginTransformResultArgs
} from 'kysely';
import { policies } from '../../core/policy/index.ts';
import { MEMORY_FACE_INDEX } from '../db/face-index.ts';
import type { Db } from '../db/index.ts';
import type { WorkerChannel } from '../worker-bridge.ts';
import { decodeEmbedding } from './duplicates.ts';
import type { FaceIndexAnswer, FaceIndexJob } from './face-index-worker.ts';

type Channel = WorkerChannel<FaceIndexJob, FaceIndexAnswer>;

/**
 * Rows read per query while building, and rows per message to the worker: its jobs run one after the other, so a
 * search of a province already built waits at most for one slice of another province's build (~3 ms a row).
 */
const BUILD_BATCH = 500;
const BUILD_SLICE = 32;
/** Room for confirmations beyond the rows at build time before the index is grown (doubled). */
const HEADROOM = 1024;

export type FaceIndexState = 'building' | 'ready' | 'failed';

class ProvinceIndex {
	state: FaceIndexState = 'building';
	/** Labels sent to the worker's index and not deleted. */
	readonly live = new Set<number>();
	/** While building: rows written after the build's high-water mark, and rows deleted meanwhile. */
	readonly queued = new Map<number, Float32Array>();
	readonly deletedWhileBuilding = new Set<number>();
	/** The index's first capacity, when the worker creates it with the first row. */
	capacity = HEADROOM;
}

/**
 * A database's province indexes, held by one worker thread (face-index-worker.ts) and kept here as their state.
 * A Kysely plugin that changes nothing, so that a transaction of the database (which keeps its plugins) finds the
 * indexes of the database it runs on: tests open several in one process.
 */
export class MemoryFaceIndexes implements KyselyPlugin {
	readonly #provinces = new Map<string, ProvinceIndex>();
	#worker: Channel | null = null;
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

	/**
	 * Inside the recording transaction, with the province locked, right after its face_embeddings row is written.
	 * Sent, not awaited: the worker answers jobs in the order sent, so the next search already sees the row.
	 */
	add(province: string, outcomeId: number, vector: Float32Array): void {
		const p = this.#provinces.get(province);
		if (!p || p.state === 'failed') return;
		if (p.state === 'building') p.queued.set(outcomeId, vector);
		else this.#send(p, province, [[outcomeId, vector]]);
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
		} else this.#sendRemoval(p, province, outcomeIds);
	}

	/** The ids of the k nearest rows of the province, or null when its index is not ready (the caller scans). */
	async nearest(
		province: string,
		query: Float32Array,
		k: number,
		efSearch: number
	): Promise<number[] | null> {
		const p = this.#provinces.get(province);
		if (p?.state !== 'ready' || !this.#worker) return null;
		const count = Math.min(k, p.live.size);
		if (count === 0) return this.#answered([]);
		try {
			const ids = await this.#worker.request({ op: 'search', province, query, k: count, efSearch });
			return p.state === 'ready' ? this.#answered(ids as number[]) : null;
		} catch (error) {
			this.#fail(p, error);
			return null;
		}
	}

	/** The worker's wasm heap in bytes (every province's index), or null without a worker. */
	async memoryBytes(): Promise<number | null> {
		return this.#worker ? ((await this.#worker.request({ op: 'memory' })) as number) : null;
	}

	close(): void {
		this.#closed = true;
		if (this.#driftTimer) clearInterval(this.#driftTimer);
		for (const p of this.#provinces.values()) p.state = 'failed';
		void this.#worker?.terminate();
		this.#worker = null;
	}

	#answered(ids: number[]): number[] {
		this.searchedByIndex++;
		return ids;
	}

	async #buildAll(db: Db): Promise<void> {
		const worker = await this.#startWorker();
		for (const [code, p] of this.#provinces) {
			if (!worker || this.#closed) p.state = 'failed';
			else await this.#guardAsync(p, () => this.#build(db, code, p));
		}
	}

	/** The worker, once it has loaded hnswlib; null when it cannot (said once, then every search scans). */
	async #startWorker(): Promise<Channel | null> {
		try {
			const { startFaceIndexWorker } = await import('./face-index-worker.ts');
			const worker = startFaceIndexWorker((why) => {
				if (this.#closed) return;
				console.error(`face index: the worker is gone (${why}); duplicate searches scan every embedding`);
				for (const p of this.#provinces.values()) p.state = 'failed';
			});
			await worker.request({ op: 'memory' });
			if (this.#closed) await worker.terminate();
			else this.#worker = worker;
			return this.#worker;
		} catch (error) {
			console.error('face index: hnswlib-wasm did not load; duplicate searches scan every embedding:', error);
			return null;
		}
	}

	/** The province's rows up to the high-water mark in id order; then what was written or deleted meanwhile. */
	async #build(db: Db, code: string, p: ProvinceIndex): Promise<void> {
		// PGlite is one connection: no recording transaction is open while this runs, so every row up to `high` is
		// committed, and a later one has a higher id and is queued by add().
		const { high, rows } = await provinceRows(db, code);
		if (!this.#worker) return;
		// A rebuild (checkDrift) starts from an empty index: the worker drops the province's old one.
		await this.#worker.request({ op: 'reset', province: code });
		p.capacity = rows + HEADROOM;
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
			for (let i = 0; i < batch.length; i += BUILD_SLICE) {
				const slice = batch.slice(i, i + BUILD_SLICE);
				// Awaited: the worker's queue holds one slice at a time, so a search sent meanwhile waits for no more.
				await this.#send(
					p,
					code,
					slice.map((r) => [r.outcome_id, decodeEmbedding(r.vector)] as const)
				);
				if (this.#closed || p.state !== 'building') return;
			}
			after = batch[batch.length - 1].outcome_id;
		}
		// No await from here on: nothing is queued between these jobs being sent and the state turning ready, and
		// the worker answers a later search only after them.
		const queued = [...p.queued].sort(([a], [b]) => a - b);
		p.queued.clear();
		void this.#send(p, code, queued);
		this.#sendRemoval(p, code, [...p.deletedWhileBuilding]);
		p.deletedWhileBuilding.clear();
		p.state = 'ready';
	}

	/** Rows to the province's index; a failure there makes the province scan. */
	#send(
		p: ProvinceIndex,
		province: string,
		rows: readonly (readonly [number, Float32Array])[]
	): Promise<void> {
		const fresh = rows.filter(([id]) => !p.live.has(id));
		if (!this.#worker || fresh.length === 0) return Promise.resolve();
		const dim = fresh[0][1].length;
		const vectors = new Float32Array(fresh.length * dim);
		fresh.forEach(([, v], i) => vectors.set(v, i * dim));
		for (const [id] of fresh) p.live.add(id);
		const ids = fresh.map(([id]) => id);
		const { space, m, efConstruction, seed } = MEMORY_FACE_INDEX;
		const job = {
			op: 'add',
			province,
			ids,
			vectors,
			capacity: p.capacity,
			parameters: { space, m, efConstruction, seed }
		} as const;
		return this.#worker.request(job, [vectors.buffer]).then(
			() => {},
			(error: unknown) => this.#fail(p, error)
		);
	}

	#sendRemoval(p: ProvinceIndex, province: string, outcomeIds: readonly number[]): void {
		const present = outcomeIds.filter((id) => p.live.has(id));
		if (!this.#worker || present.length === 0) return;
		for (const id of present) p.live.delete(id);
		this.#worker
			.request({ op: 'remove', province, ids: present })
			.catch((error: unknown) => this.#fail(p, error));
	}

	async #guardAsync(p: ProvinceIndex, work: () => Promise<void>): Promise<void> {
		try {
			await work();
		} catch (error) {
			this.#fail(p, error);
		}
	}

	/** An index that failed is no longer trusted: the province scans until the next start. */
	#fail(p: ProvinceIndex, error: unknown): void {
		if (this.#closed || p.state === 'failed') return;
		console.error('face index: a province index failed; its duplicate searches scan every embedding:', error);
		p.state = 'failed';
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
