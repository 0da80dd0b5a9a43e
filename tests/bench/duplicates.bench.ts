// The duplicate-identity search as exam areas grow: one submission's search (list the area's outcomes, read the
// vectors this process has not seen, compare them all) in an area of N earlier confirmations, the first time
// (every vector read from the database) and again (every vector from the cache). On PGlite through node-postgres,
// as the server runs it, and on PostgreSQL (DATABASE_URL, or the throwaway server of tests/support/postgres.sh).
//   npx tsx tests/bench/duplicates.bench.ts      (ZV_BENCH_AREAS=500,2000,5000)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { embeddingBytes, findDuplicateFaces } from '../../src/lib/server/services/duplicates.ts';

const AREAS = (process.env.ZV_BENCH_AREAS ?? '500,2000,5000').split(',').map(Number);
const RUNS = 5;

/** The app's migrations in order (the server reads them through Vite's import.meta.glob, which tsx lacks). */
async function migrate(db: Kysely<Database>): Promise<void> {
	const dir = 'src/lib/server/db/migrations';
	for (const file of readdirSync(dir).sort())
		await sql.raw(readFileSync(join(dir, file), 'utf8')).execute(db);
}

/** A unit vector of 512 random float32 values, as the face engine's embeddings are. */
const randomEmbedding = () => {
	const v = Array.from({ length: 512 }, () => Math.random() - 0.5);
	const norm = Math.hypot(...v);
	return v.map((x) => x / norm);
};

interface Row {
	backend: string;
	areaSize: number;
	/** ms per search, every vector read from the database. */
	coldMs: number;
	/** ms per search (median of RUNS), every vector from the cache. */
	warmMs: number;
	/** CPU ms of this process per warm search (the database's own CPU is in it for PGlite only). */
	warmCpuMs: number;
}

async function bench(backend: string, db: Kysely<Database>): Promise<Row[]> {
	// Rows only, no outcomes or candidates behind them: the foreign keys are not what is measured.
	await sql`set session_replication_role = replica`.execute(db);
	const rows: Row[] = [];
	let nextId = 1;
	for (const size of AREAS) {
		const area = `${backend}-${size}`;
		for (let i = 0; i < size; i += 200) {
			const batch = Array.from({ length: Math.min(200, size - i) }, () => ({
				outcome_id: nextId++,
				candidate_id: nextId,
				exam_area: area,
				vector: embeddingBytes(randomEmbedding())
			}));
			await db.insertInto('face_embeddings').values(batch).execute();
		}
		const probe = randomEmbedding();
		let started = performance.now();
		await findDuplicateFaces(db, area, 0, probe);
		const coldMs = performance.now() - started;
		const times: number[] = [];
		const cpu = process.cpuUsage();
		for (let r = 0; r < RUNS; r++) {
			started = performance.now();
			await findDuplicateFaces(db, area, 0, probe);
			times.push(performance.now() - started);
		}
		const used = process.cpuUsage(cpu);
		times.sort((a, b) => a - b);
		rows.push({
			backend,
			areaSize: size,
			coldMs: Math.round(coldMs * 10) / 10,
			warmMs: Math.round(times[Math.floor(RUNS / 2)] * 10) / 10,
			warmCpuMs: Math.round((used.user + used.system) / 100 / RUNS) / 10
		});
	}
	return rows;
}

const results: Row[] = [];
const lite = new PGlite('memory://');
await lite.waitReady;
const liteDb = new Kysely<Database>({
	dialect: new PostgresDialect({ pool: new pg.Pool({ ...createPgConfig(lite), max: 1 }) })
});
await migrate(liteDb);
results.push(...(await bench('PGlite', liteDb)));
await liteDb.destroy();
await lite.close();

let url = process.env.DATABASE_URL;
if (!url) {
	try {
		url = execFileSync('bash', ['tests/support/postgres.sh'], { encoding: 'utf8' }).trim();
	} catch {
		console.log('(no PostgreSQL: PGlite only)');
	}
}
if (url) {
	const schema = `zv_bench_dup_${Date.now()}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`create schema ${schema}`);
	const scoped = new URL(url);
	scoped.searchParams.set('options', `-c search_path=${schema}`);
	const pgDb = new Kysely<Database>({
		dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scoped.toString(), max: 1 }) })
	});
	try {
		await migrate(pgDb);
		results.push(...(await bench('PostgreSQL', pgDb)));
	} finally {
		await pgDb.destroy();
		await admin.query(`drop schema ${schema} cascade`);
		await admin.end();
	}
}

console.log(`\nDuplicate-identity search in one exam area (512-d embeddings, ${cpus().length} CPUs)`);
console.log('backend     area size  first search ms  again ms (cached)  cpu ms again');
for (const r of results) {
	console.log(
		`${r.backend.padEnd(11)} ${String(r.areaSize).padStart(9)}  ${String(r.coldMs).padStart(15)}  ${String(r.warmMs).padStart(17)}  ${String(r.warmCpuMs).padStart(12)}`
	);
}
console.log(`load average (1 min): ${loadavg()[0].toFixed(1)}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync(
	'bench/out/duplicates.json',
	JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, runs: RUNS, rows: results }, null, 2)
);
console.log('wrote bench/out/duplicates.json');
