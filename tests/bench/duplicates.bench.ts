// The duplicate-identity search across a province as it grows: the server's own search (findDuplicateFaces) over
// N earlier confirmations, against an exact scan of the same rows. On PostgreSQL with pgvector the search walks the
// province's HNSW index; on PGlite (no vector extension) it is an exact scan through the embedding cache.
//   npm run bench -- duplicates                 (ZV_BENCH_SIZES=100000,1000000, ZV_BENCH_PGLITE_SIZES=100000)
//
// The embeddings are synthetic, 512-d unit vectors clustered as face embeddings are (not uniform noise): people
// drawn around a few hundred group centres (people of one group resemble each other: cosine ~0.3), and each
// probe either a second photo of a stored person (the stand-in; cosine to the stored one ~0.8 for a good photo,
// ~0.62 for a poor one, just above the strict threshold) or a new person. The generator's seed for the probes is
// not the one the rows are drawn with. Recall is measured against an exact scan; the figures do not say how well
// the face model separates real faces (that is tests/bench/face.bench.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { FACE_MATCH } from '../../src/lib/core/face/match.ts';
import { ensureFaceVectors, FACE_INDEX, faceIndexSql } from '../../src/lib/server/db/face-index.ts';
import type { Database } from '../../src/lib/server/db/schema.ts';
import {
	embeddingBytes,
	findDuplicateFaces,
	indexSettings,
	nearestFacesQuery
} from '../../src/lib/server/services/duplicates.ts';

const SIZES = (process.env.ZV_BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const PGLITE_SIZES = (process.env.ZV_BENCH_PGLITE_SIZES ?? '100000').split(',').filter(Boolean).map(Number);
const PROBES = Number(process.env.ZV_BENCH_PROBES ?? 100);
const DIM = 512;
const GROUPS = 300;
const PROVINCE = 'hubei';
/** Where the JSON goes (a partial run can write beside the full one). */
const OUT = process.env.ZV_BENCH_OUT ?? 'bench/out/duplicates.json';

/** mulberry32: a small seeded generator, so a run can be repeated. */
function generator(seed: number) {
	let a = seed >>> 0;
	const uniform = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const gaussian = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
	return { uniform, gaussian };
}

function unit(v: Float32Array): Float32Array {
	let s = 0;
	for (const x of v) s += x * x;
	const n = Math.sqrt(s);
	return v.map((x) => x / n);
}

/** a·u + b·(random unit), normalised: cosine to u is about a / sqrt(a² + b²). */
function around(u: Float32Array, a: number, b: number, rnd: ReturnType<typeof generator>): Float32Array {
	const noise = unit(Float32Array.from({ length: DIM }, rnd.gaussian));
	return unit(u.map((x, i) => a * x + b * noise[i]));
}

const rows = generator(20261203);
const groups = Array.from({ length: GROUPS }, () => unit(Float32Array.from({ length: DIM }, rows.gaussian)));
/** Person i of the province: deterministic, so a probe can be made for any stored person without keeping them. */
function person(i: number): Float32Array {
	const rnd = generator(1_000_003 * (i + 1));
	return around(groups[i % GROUPS], 0.55, 0.835, rnd);
}

interface Probe {
	kind: 'stand-in, good photo' | 'stand-in, poor photo' | 'new person';
	vector: number[];
}
function probes(size: number, count: number, seed: number): Probe[] {
	const rnd = generator(seed);
	return Array.from({ length: count }, (_, k) => {
		const kind: Probe['kind'] = (['stand-in, good photo', 'stand-in, poor photo', 'new person'] as const)[
			k % 3
		];
		if (kind === 'new person')
			return { kind, vector: Array.from(around(groups[k % GROUPS], 0.55, 0.835, rnd)) };
		const stored = person(Math.floor(rnd.uniform() * size));
		return {
			kind,
			vector: Array.from(around(stored, 1, kind === 'stand-in, good photo' ? 0.75 : 1.25, rnd))
		};
	});
}

/** The app's migrations in order (the server reads them through Vite's import.meta.glob, which tsx lacks). */
async function migrate(db: Kysely<Database>): Promise<void> {
	const dir = 'src/lib/server/db/migrations';
	for (const file of readdirSync(dir).sort())
		await sql.raw(readFileSync(join(dir, file), 'utf8')).execute(db);
}

async function load(db: Kysely<Database>, size: number, withFace: boolean): Promise<number> {
	// Rows only, no outcomes or candidates behind them (the foreign keys are not what is measured); the trigger that
	// fills `face` is off too (replica role), so the rows carry their vector themselves.
	await sql`set session_replication_role = replica`.execute(db);
	const started = performance.now();
	const BATCH = 500;
	for (let i = 0; i < size; i += BATCH) {
		const batch = Array.from({ length: Math.min(BATCH, size - i) }, (_, k) => {
			const v = person(i + k);
			return {
				outcome_id: i + k + 1,
				candidate_id: i + k + 1,
				exam_area: `area-${(i + k) % 17}`,
				province: PROVINCE,
				vector: embeddingBytes(v),
				...(withFace ? { face: sql`${`[${Array.from(v).join(',')}]`}::vector` } : {})
			};
		});
		await db
			.insertInto('face_embeddings')
			.values(batch as never)
			.execute();
		if ((i / BATCH) % 20 === 0) process.stdout.write(`  loaded ${i + batch.length}/${size}\n`);
	}
	return performance.now() - started;
}

const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Row {
	backend: string;
	search: string;
	/** tuning: the probes ef_search was chosen on; evaluation: probes of another seed, never used to choose. */
	probeSet: string;
	efSearch: number | null;
	embeddings: number;
	probes: number;
	p50Ms: number;
	p99Ms: number;
	/**
	 * CPU time per search, PostgreSQL's backend (its /proc schedstat) plus this process: what a search costs on a
	 * quiet machine, where wall time under the shared machine's load is mostly waiting for a core.
	 */
	cpuP50Ms: number | null;
	cpuP99Ms: number | null;
	/** Share of probes whose nearest embedding (exact scan) is the search's nearest too. */
	recallAt1: number | null;
	/** Share of the exact scan's matches at the strict threshold that the search finds. */
	recallAtThreshold: number | null;
	exactMatches: number;
	byKind: Record<string, { probes: number; exactMatches: number; found: number }>;
	loadS: number;
	indexBuildS: number | null;
	indexMB: number | null;
	tableMB: number | null;
}

const PROBE_SETS = [
	{ name: 'tuning', seed: 31_337 },
	{ name: 'evaluation', seed: 77_777 }
];
/** The HNSW candidate-list sizes compared; the app's own (FACE_INDEX.efSearch) among them. */
const EF_VALUES = [...new Set([40, 100, 200, 400, FACE_INDEX.efSearch])].sort((a, b) => a - b);

type Exact = (p: number[]) => Promise<{ top: number | null; hits: Set<number> }>;

/** CPU milliseconds a process has run so far (Linux schedstat: nanoseconds on a CPU), or null where unreadable. */
function cpuClock(pid: number | null): () => number | null {
	const read = () => {
		try {
			return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
		} catch {
			return null;
		}
	};
	return () => {
		const own = process.cpuUsage();
		const backend = pid === null ? 0 : read();
		return backend === null ? null : backend + (own.user + own.system) / 1000;
	};
}

async function measure(
	backend: string,
	db: Kysely<Database>,
	size: number,
	exact: Exact | null,
	loadMs: number,
	index: { buildS: number; mb: number; tableMb: number } | null,
	count: number,
	cpu: () => number | null
): Promise<Row[]> {
	const out: Row[] = [];
	const base = {
		backend,
		embeddings: size,
		loadS: round(loadMs / 1000),
		indexBuildS: index?.buildS ?? null,
		indexMB: index?.mb ?? null,
		tableMB: index?.tableMb ?? null
	};
	for (const set of exact ? PROBE_SETS : PROBE_SETS.slice(1)) {
		const list = probes(size, count, set.seed);
		const exactMs: number[] = [];
		const truths: Awaited<ReturnType<Exact>>[] = [];
		for (const probe of exact ? list : []) {
			const started = performance.now();
			truths.push(await exact!(probe.vector));
			exactMs.push(performance.now() - started);
		}
		for (const ef of exact ? EF_VALUES : [null]) {
			const searchMs: number[] = [];
			const cpuMs: number[] = [];
			let top1 = 0;
			let top1Total = 0;
			let exactMatches = 0;
			let found = 0;
			const byKind: Row['byKind'] = {};
			for (const [k, probe] of list.entries()) {
				const started = performance.now();
				const cpuBefore = cpu();
				// Threshold -1: every proposal back with its exact similarity, so the nearest and the matches can be compared.
				const proposals = await findDuplicateFaces(db, PROVINCE, -1, probe.vector, -1, ef ?? undefined);
				searchMs.push(performance.now() - started);
				const cpuAfter = cpu();
				if (cpuBefore !== null && cpuAfter !== null) cpuMs.push(cpuAfter - cpuBefore);
				const kind = (byKind[probe.kind] ??= { probes: 0, exactMatches: 0, found: 0 });
				kind.probes++;
				const truth = truths[k];
				if (!truth) continue;
				const matches = new Set(
					proposals.filter((h) => h.similarity >= FACE_MATCH.strict).map((h) => h.outcomeId)
				);
				const nearest = proposals.reduce((a, b) => (b.similarity > a.similarity ? b : a), proposals[0]);
				if (truth.top !== null) {
					top1Total++;
					if (nearest?.outcomeId === truth.top) top1++;
				}
				exactMatches += truth.hits.size;
				kind.exactMatches += truth.hits.size;
				for (const id of truth.hits)
					if (matches.has(id)) {
						found++;
						kind.found++;
					}
			}
			out.push({
				...base,
				search: exact
					? `HNSW, ef_search ${ef}${ef === FACE_INDEX.efSearch ? ' (app)' : ''}`
					: 'exact scan (app, cached)',
				probeSet: set.name,
				efSearch: ef,
				probes: list.length,
				exactMatches,
				byKind,
				p50Ms: round(quantile(searchMs, 0.5)),
				p99Ms: round(quantile(searchMs, 0.99)),
				cpuP50Ms: cpuMs.length ? round(quantile(cpuMs, 0.5)) : null,
				cpuP99Ms: cpuMs.length ? round(quantile(cpuMs, 0.99)) : null,
				recallAt1: exact ? round(top1 / Math.max(1, top1Total), 4) : 1,
				recallAtThreshold: exact ? round(found / Math.max(1, exactMatches), 4) : 1
			});
		}
		if (exact)
			out.push({
				...base,
				search: 'exact scan (SQL, no index)',
				probeSet: set.name,
				efSearch: null,
				probes: list.length,
				exactMatches: truths.reduce((n, t) => n + t.hits.size, 0),
				byKind: {},
				p50Ms: round(quantile(exactMs, 0.5)),
				p99Ms: round(quantile(exactMs, 0.99)),
				cpuP50Ms: null,
				cpuP99Ms: null,
				recallAt1: 1,
				recallAtThreshold: 1
			});
	}
	return out;
}

const results: Row[] = [];
/** The app's query explained once per size (PostgreSQL). */
const plans: {
	embeddings: number;
	node: string;
	index: unknown;
	sharedHit: number;
	sharedRead: number;
	executionMs: number;
}[] = [];
let sharedBuffers: string | null = null;
/** Peak resident memory of the backend that built the index, per size. */
const buildPeakMB: { embeddings: number; mb: number }[] = [];

for (const size of PGLITE_SIZES) {
	const lite = new PGlite('memory://');
	await lite.waitReady;
	const db = new Kysely<Database>({
		dialect: new PostgresDialect({ pool: new pg.Pool({ ...createPgConfig(lite), max: 1 }) })
	});
	try {
		await migrate(db);
		console.log(`PGlite, ${size} embeddings`);
		const loadMs = await load(db, size, false);
		const sizes = await sql<{ tbl: string }>`select pg_total_relation_size('face_embeddings') as tbl`.execute(
			db
		);
		results.push(
			...(await measure('PGlite', db, size, null, loadMs, null, Math.min(PROBES, 20), cpuClock(null))).map(
				(r) => ({
					...r,
					tableMB: round(Number(sizes.rows[0].tbl) / 2 ** 20, 0)
				})
			)
		);
		report();
	} finally {
		await db.destroy();
		await lite.close();
	}
}

let url = process.env.DATABASE_URL;
if (!url) {
	try {
		url = execFileSync('bash', ['tests/support/postgres.sh'], { encoding: 'utf8' }).trim();
	} catch {
		console.log('(no PostgreSQL: PGlite only)');
	}
}
for (const size of url ? SIZES : []) {
	const schema = `zv_bench_dup_${Date.now()}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`create schema ${schema}`);
	await admin.query('create extension if not exists vector schema public');
	const scoped = new URL(url!);
	scoped.searchParams.set('options', `-c search_path=${schema},public`);
	const pool = new pg.Pool({ connectionString: scoped.toString(), max: 1 });
	// The database's side of the work at a lower priority too: the machine is shared.
	pool.on('connect', (c) => {
		void c.query('select pg_backend_pid() as pid').then(({ rows }) => {
			try {
				execFileSync('renice', ['-n', '10', '-p', String(rows[0].pid)], { stdio: 'ignore' });
			} catch {
				// Not ours to renice (another user's server): measured as it is.
			}
		});
	});
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	try {
		await migrate(db);
		const run = async (script: string) =>
			(await sql.raw(script).execute(db)).rows as Record<string, unknown>[];
		// Unlogged: loading a million rows writes no WAL for them; the search does not see the difference.
		await sql`alter table face_embeddings set unlogged`.execute(db);
		if (!(await ensureFaceVectors(run)))
			throw new Error('PostgreSQL has no pgvector: run tests/support/pgvector.sh');
		console.log(`PostgreSQL, ${size} embeddings`);
		const loadMs = await load(db, size, true);
		await sql`set session_replication_role = origin`.execute(db);
		await sql`set maintenance_work_mem = '4GB'`.execute(db);
		await sql`set max_parallel_maintenance_workers = 1`.execute(db);
		const backend = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
		let started = performance.now();
		await sql.raw(faceIndexSql(PROVINCE)).execute(db);
		const buildS = round((performance.now() - started) / 1000);
		// The building backend's peak resident memory (its share of shared buffers included), where readable.
		try {
			const status = readFileSync(`/proc/${backend.rows[0].pid}/status`, 'utf8');
			buildPeakMB.push({
				embeddings: size,
				mb: round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024, 0)
			});
			console.log(`index build ${buildS} s, backend peak RSS ${buildPeakMB.at(-1)!.mb} MB`);
		} catch {
			// Another machine's server: not measured.
		}
		await sql`analyze face_embeddings`.execute(db);
		sharedBuffers = String(
			(await sql<{ shared_buffers: string }>`show shared_buffers`.execute(db)).rows[0].shared_buffers
		);
		const sizes = await sql<{ index: string; tbl: string }>`
			select pg_relation_size(${`face_embeddings_hnsw_${PROVINCE}`}::regclass) as index,
				pg_total_relation_size('face_embeddings') - pg_indexes_size('face_embeddings') as tbl`.execute(db);
		const mb = (x: string) => round(Number(x) / 2 ** 20, 0);
		started = 0;
		const exact = async (probe: number[]) =>
			db.transaction().execute(async (tx) => {
				await sql`set local enable_indexscan = off`.execute(tx);
				const q = `[${probe.join(',')}]`;
				const { rows } = await sql<{ outcome_id: number; similarity: number }>`
					select outcome_id, 1 - (face <=> ${q}::vector) as similarity from face_embeddings
					where province = ${PROVINCE} order by face <=> ${q}::vector limit ${FACE_INDEX.limit}`.execute(tx);
				return {
					top: rows[0]?.outcome_id ?? null,
					// A small margin for float rounding between the database's distance and the app's cosine.
					hits: new Set(rows.filter((r) => r.similarity >= FACE_MATCH.strict + 1e-4).map((r) => r.outcome_id))
				};
			});
		// The app's own query explained: which index, how many index and table pages it touched (shared buffers hit,
		// or read from the operating system), its time in the executor.
		const explained = await db.transaction().execute(async (tx) => {
			await indexSettings(tx);
			const probe = probes(size, 1, 4242)[0].vector;
			const { rows } = await sql<{
				'QUERY PLAN': unknown;
			}>`explain (analyze, buffers, format json) ${nearestFacesQuery(PROVINCE, -1, probe)}`.execute(tx);
			const json = rows[0]['QUERY PLAN'];
			return (typeof json === 'string' ? JSON.parse(json) : json) as {
				Plan: Record<string, unknown> & { Plans?: Record<string, unknown>[] };
				'Execution Time': number;
			}[];
		});
		const scan = explained[0].Plan.Plans?.[0] ?? explained[0].Plan;
		plans.push({
			embeddings: size,
			node: String(scan['Node Type']),
			index: scan['Index Name'] ?? null,
			sharedHit: Number(scan['Shared Hit Blocks'] ?? 0),
			sharedRead: Number(scan['Shared Read Blocks'] ?? 0),
			executionMs: round(explained[0]['Execution Time'])
		});
		console.log('plan of the app query:', JSON.stringify(plans.at(-1)));
		if (scan['Index Name'] !== `face_embeddings_hnsw_${PROVINCE}`)
			console.log('WARNING: the planner does not use the HNSW index');
		results.push(
			...(await measure(
				'PostgreSQL + pgvector',
				db,
				size,
				exact,
				loadMs,
				{ buildS, mb: mb(sizes.rows[0].index), tableMb: mb(sizes.rows[0].tbl) },
				PROBES,
				cpuClock(backend.rows[0].pid)
			))
		);
		report();
	} finally {
		await db.destroy();
		await admin.query(`drop schema ${schema} cascade`);
		await admin.end();
	}
}

/** The table and the JSON of what has been measured so far (a long run keeps its smaller sizes if stopped). */
function report(): void {
	console.log(
		`\nDuplicate-identity search across one province (512-d synthetic clustered embeddings, threshold ${FACE_MATCH.strict}, ${cpus().length} CPUs, shared machine: indicative)`
	);
	console.log(
		'backend                 search                          probes      embeddings  p50 ms  p99 ms  cpu p50  cpu p99  recall@1  recall@thr  build s  index MB'
	);
	for (const r of results)
		console.log(
			`${r.backend.padEnd(23)} ${r.search.padEnd(31)} ${r.probeSet.padEnd(10)}  ${String(r.embeddings).padStart(10)}  ${String(r.p50Ms).padStart(6)}  ${String(r.p99Ms).padStart(6)}  ${String(r.cpuP50Ms ?? '-').padStart(7)}  ${String(r.cpuP99Ms ?? '-').padStart(7)}  ${String(r.recallAt1 ?? '-').padStart(8)}  ${String(r.recallAtThreshold ?? '-').padStart(10)}  ${String(r.indexBuildS ?? '-').padStart(7)}  ${String(r.indexMB ?? '-').padStart(8)}`
		);
	console.log(`load average (1 min): ${loadavg()[0].toFixed(1)}`);
	mkdirSync('bench/out', { recursive: true });
	writeFileSync(
		OUT,
		JSON.stringify(
			{
				at: new Date().toISOString(),
				cpus: cpus().length,
				loadAverage: loadavg()[0],
				threshold: FACE_MATCH.strict,
				index: { ...FACE_INDEX, m: 16, efConstruction: 64 },
				data: `synthetic: ${GROUPS} groups, people at cosine ~0.3 within a group; probes: stand-in good/poor photo, new person`,
				sharedBuffers,
				buildPeakMB,
				plans,
				rows: results
			},
			null,
			2
		)
	);
	console.log(`wrote ${OUT}`);
}
report();
