// Load benchmark of complete verifications: POST /api/phone/submit with a signed bundle and the registration
// photo, each to its own opened session, against the built server (`node src/start.mjs`). One request does the
// signature check, challenge/ID/attachment checks, the photo re-check (decode + background), the limits, and the
// recording transaction (outcome, admission number, attachments, event). Hubei's one-time password is hashed and sent
// by a job after the answer: the bench waits until the servers are idle again and reports that CPU too.
// Runs on PGlite and on PostgreSQL (DATABASE_URL, or the throwaway server of tests/support/postgres.sh).
//   npx vite build && npx tsx tests/bench/server.bench.ts      (ZV_BENCH_REQUESTS, ZV_BENCH_CONNECTIONS)
import { execFileSync } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import { fixture } from '../support/fixtures.ts';
import {
	adminCookie,
	manReferencePhoto,
	pickPort,
	preparePhone,
	REGISTRATION_TOKEN,
	registerOverHttp,
	startServer,
	type PhoneSession,
	type ServerProcess
} from '../integration/server-process.ts';

const REQUESTS = Number(process.env.ZV_BENCH_REQUESTS ?? 600);
const CONNECTIONS = Number(process.env.ZV_BENCH_CONNECTIONS ?? 8);
/** Server instances for the extra PostgreSQL row (1 = no extra row). */
const INSTANCES = Number(process.env.ZV_BENCH_INSTANCES ?? 2);
/**
 * ZV_BENCH_FACE=1: the servers run their face engine (the default of a deployment): the re-check runs the phone's
 * content checks on the photo, its embedding is matched with the candidate's reference photo (registered with each
 * record; Beijing asks the authority simulator, which embeds the photo once more) and searched across its
 * province for the same face under another ID number. Every candidate uploads the same man's photo, so after the
 * first confirmation in a province each request takes the duplicate-identity path and ends in review (and Hubei's
 * password job never runs): the table's outcomes say so. Without it the engine is off
 * (ZV_SERVER_FACE=0) and every submission is recorded as review (no server evidence): the cost of the rest.
 */
const FACE = process.env.ZV_BENCH_FACE === '1';
const faceEnv: Record<string, string> = FACE
	? { ZV_SERVER_FACE: '1', ZV_STATIC_DIR: process.env.ZV_STATIC_DIR ?? join(process.cwd(), 'static') }
	: { ZV_SERVER_FACE: '0' };
const referencePhoto = FACE ? manReferencePhoto() : undefined;
const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));

let serial = 0;
function idNumber(): string {
	const n = serial++;
	const first17 = `420102199${n % 10}${String((Math.floor(n / 10) % 12) + 1).padStart(2, '0')}15${String(Math.floor(n / 120) % 1000).padStart(3, '0')}`;
	return first17 + checkCharacter(first17);
}

/** multipart/form-data bytes of a FormData, so autocannon can send prepared bodies. */
async function multipart(form: FormData): Promise<{ body: Buffer; type: string }> {
	const response = new Response(form);
	return { body: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type')! };
}

/**
 * CPU seconds (user + system) of a process, or of one of its threads, from /proc (Linux); with `exitedChildren`,
 * plus that of its children that have ended (cutime + cstime).
 */
function cpuSeconds(pid: number, thread = false, exitedChildren = false): number | null {
	try {
		const stat = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
		// Fields after the parenthesised command name; utime, stime, cutime, cstime are the 14th-17th overall.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const own = Number(fields[11]) + Number(fields[12]);
		const children = exitedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
		return (own + children) / CLOCK_TICKS;
	} catch {
		return null;
	}
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds of each kind of thread of a process, by thread name (/proc/<pid>/task/<tid>/comm): the event loop,
 * Node's other threads, libvips' own pool ("libvips worker"), and whatever else names its threads.
 */
function threadCpuSeconds(pid: number): Map<string, number> {
	const out = new Map<string, number>();
	try {
		for (const tid of readdirSync(`/proc/${pid}/task`)) {
			try {
				// Node names all its threads "node": the main thread is the event loop, the others are libuv's pool
				// (sharp's decode entry, scrypt, WebCrypto jobs), V8's helpers (GC marking, compilation) and the
				// photo re-check's worker threads (ZV_PHOTO_WORKERS).
				const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
				const name =
					tid === String(pid)
						? 'event loop'
						: comm === 'node'
							? 'node pools'
							: comm.replace(/[-_ ]?\d+$/, '');
				const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
				const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
			} catch {
				/* the thread ended meanwhile */
			}
		}
	} catch {
		/* not Linux */
	}
	return out;
}

/** CPU seconds of a PostgreSQL cluster: the postmaster (first line of postmaster.pid) and its children. */
function clusterCpuSeconds(dataDir: string | null): number | null {
	if (!dataDir) return null;
	try {
		const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		// Backends that ended during the run (the server's pool closes idle connections after 10 s) count through
		// the postmaster's cutime/cstime; without them the run's database CPU came out too low, even negative.
		let total = cpuSeconds(postmaster, false, true) ?? 0;
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
				const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
				if (ppid === postmaster) total += cpuSeconds(Number(entry)) ?? 0;
			} catch {
				/* the process ended meanwhile */
			}
		}
		return total;
	} catch {
		return null;
	}
}

interface Row {
	backend: string;
	province: string;
	requests: number;
	ok: number;
	errors: number;
	perSecond: number;
	p50: number;
	p99: number;
	max: number;
	/**
	 * Server CPU per verification (ms): the whole process (event loop + libuv pool: sharp, scrypt) and its event-loop
	 * thread alone. The latter bounds one instance: 1000 / loopMs verifications per second at most, whatever the load.
	 */
	serverCpuMs: number | null;
	loopCpuMs: number | null;
	/**
	 * Server CPU per verification (ms) spent after the last answer until the servers were idle: the jobs the
	 * requests left behind (Hubei's password hash and SMS). Part of a verification's cost, counted in the ceiling.
	 */
	afterCpuMs: number | null;
	/** Seconds from the last answer until the servers were idle (the password queue drained). */
	drainSeconds: number;
	/**
	 * Password jobs still unsent when the drain ended (read from the database once the servers stopped): above 0,
	 * `afterCpuMs` misses their hashes (the idle test gave up early, e.g. on a loaded machine).
	 */
	pendingPasswords: number | null;
	/** The recorded outcomes of the measured verifications by result: all `confirmed` with the face engine. */
	outcomes: Record<string, number>;
	/** Server CPU per verification (ms) by thread name (threadCpuSeconds), summed over the instances. */
	threadCpuMs: Record<string, number>;
	/** PostgreSQL's CPU per verification (its backends live across the run), when the bench started the cluster. */
	dbCpuMs: number | null;
	/** This process's CPU per verification: autocannon, the load generator, shares the 2 cores too. */
	clientCpuMs: number;
	/**
	 * Verifications per second the machine's cores could complete if nothing else ran: cores x 1000 / (server +
	 * database + load generator CPU ms per verification). On this shared machine (other engineers' runs keep the
	 * load average at 5-15) the measured rate is far below it; the CPU per verification is what the code controls.
	 */
	cpuCeilingPerSecond: number | null;
	/** 1-minute load average when the run ended (other processes share the 2 cores). */
	load: number;
	statusCodes: Record<string, number>;
	/** Every round of this configuration (the row itself is the median one). */
	rounds?: { perSecond: number; p99: number; serverCpuMs: number | null }[];
}

type Options = Parameters<typeof autocannon>[0];
type Result = Awaited<ReturnType<typeof autocannon>>;
type Request = NonNullable<Options['requests']>[number];

/** autocannon's callback form returns the running instance, whose 'response' events carry each latency. */
type Running = {
	on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
const autocannonRun = autocannon as unknown as (
	options: Options,
	done: (error: Error | null, result: Result) => void
) => Running;

/** One autocannon run over prepared bodies; resolves with its result and every response's latency (ms). */
function load(
	origin: string,
	bodies: { body: Buffer; type: string }[],
	connections: number
): Promise<{ result: Result; latencies: number[]; lastResponseAt: number }> {
	let next = 0;
	const latencies: number[] = [];
	let lastResponseAt = 0;
	return new Promise((resolve, reject) => {
		const instance = autocannonRun(
			{
				url: `${origin}/api/phone/submit`,
				connections,
				amount: bodies.length,
				timeout: 30,
				requests: [
					{
						method: 'POST',
						setupRequest: (req: Request) => {
							const b = bodies[next++ % bodies.length];
							return {
								...req,
								body: b.body,
								headers: { ...req.headers, 'content-type': b.type, origin }
							};
						}
					}
				]
			},
			(error, result) => (error ? reject(error) : resolve({ result, latencies, lastResponseAt }))
		);
		instance.on('response', (_client, _status, _bytes, responseTime) => {
			latencies.push(responseTime);
			lastResponseAt = performance.now();
		});
	});
}

const percentile = (sorted: number[], p: number) =>
	sorted.length
		? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)])
		: 0;

/**
 * `instances` servers share the database (PostgreSQL only: several instances is what it is for); the sessions are
 * dealt out among them and each gets its share of the connections, all loaded at once.
 */
async function runOne(
	backend: string,
	env: Record<string, string>,
	province: 'hubei' | 'beijing',
	pgDataDir: string | null,
	instances = 1
): Promise<Row> {
	// ZV_BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
	const profileDir = process.env.ZV_BENCH_CPU_PROF;
	const servers: ServerProcess[] = [];
	let row: Row | null = null;
	try {
		for (let i = 0; i < instances; i++) {
			servers.push(
				await startServer(
					await pickPort(3500, 100),
					// Phones reach a deployment through its proxy, each from its own address: the bench's phones say
					// theirs in X-Forwarded-For, so the link-open limit (300 a minute per address) counts per phone.
					{ ...faceEnv, ADDRESS_HEADER: 'x-forwarded-for', ...env },
					profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
				)
			);
		}
		// A few verifications per instance first, not measured: JIT, lazy imports and pools warm up as in service.
		const warmups = Math.min(20, Math.ceil(REQUESTS / 10)) * instances;
		const ids = Array.from({ length: REQUESTS + warmups }, idNumber);
		await registerOverHttp(
			servers[0].origin,
			ids.map((id, i) => ({
				idNumber: id,
				name: '压测考生',
				// The record agrees with its number (the registration API refuses one that does not).
				sex: Number(id[16]) % 2 ? '男' : '女',
				ethnicity: '汉',
				birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
				address: '测试地址',
				phone: '13900000000',
				major: '法学',
				examArea: `考区${i}`,
				province,
				...(referencePhoto ? { referencePhoto } : {})
			}))
		);
		const cookie = await adminCookie(servers[0].origin);
		const shares = servers.map(() => [] as { body: Buffer; type: string }[]);
		const warm = servers.map(() => [] as { body: Buffer; type: string }[]);
		// Four phones at a time: preparing is not measured, only kept short.
		const prepared: { body: Buffer; type: string }[] = [];
		for (let i = 0; i < ids.length; i += 4) {
			const batch = await Promise.all(
				ids.slice(i, i + 4).map(async (id, j) => {
					const n = i + j;
					const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
					const phone: PhoneSession = await preparePhone(servers[0].origin, cookie, id, photo, address);
					return multipart(phone.form());
				})
			);
			prepared.push(...batch);
		}
		for (const [i, body] of prepared.entries()) (i < warmups ? warm : shares)[i % instances].push(body);
		await Promise.all(servers.map((server, i) => load(server.origin, warm[i], 2)));
		const pids = servers.map((server) => server.child.pid!);
		const sample = () => [
			sum(pids.map((pid) => cpuSeconds(pid))),
			sum(pids.map((pid) => cpuSeconds(pid, true))),
			clusterCpuSeconds(pgDataDir)
		];
		const threadsSample = () => {
			const total = new Map<string, number>();
			for (const pid of pids)
				for (const [name, seconds] of threadCpuSeconds(pid))
					total.set(name, (total.get(name) ?? 0) + seconds);
			return total;
		};
		const threadsBefore = threadsSample();
		const cpuBefore = sample();
		const clientBefore = process.cpuUsage();
		const started = performance.now();
		const runs = await Promise.all(
			servers.map((server, i) => load(server.origin, shares[i], Math.max(1, CONNECTIONS / instances)))
		);
		// Up to the last response: autocannon reports completion on its one-second tick, which rounded short runs up
		// to whole seconds (200 requests answered in 3.1 s counted as 4 s, 49.8/s).
		const seconds = (Math.max(...runs.map((r) => r.lastResponseAt)) - started) / 1000;
		const cpuAfter = sample();
		const threadsAfter = threadsSample();
		const client = process.cpuUsage(clientBefore);
		const drain = await untilIdle(pids, () => pendingPasswordJobs(env));
		const sent = sum(runs.map((r) => r.result.requests.sent))!;
		const perRequestMs = (i: number) =>
			cpuBefore[i] === null || cpuAfter[i] === null
				? null
				: Math.round(((cpuAfter[i]! - cpuBefore[i]!) * 1000 * 10) / sent) / 10;
		const latencies = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
		const ok = sum(runs.map((r) => r.result['2xx']))!;
		const statusCodes: Record<string, number> = {};
		for (const { result } of runs) {
			for (const [code, v] of Object.entries(result.statusCodeStats ?? {}))
				statusCodes[code] = (statusCodes[code] ?? 0) + (v as { count: number }).count;
		}
		const threadCpuMs: Record<string, number> = {};
		for (const [name, seconds] of threadsAfter) {
			const ms = Math.round(((seconds - (threadsBefore.get(name) ?? 0)) * 1000 * 10) / sent) / 10;
			if (ms > 0) threadCpuMs[name] = ms;
		}
		const outcomes = await outcomesOf(servers[0].origin, new Set(ids.slice(warmups)));
		row = {
			outcomes,
			backend: (instances > 1 ? `${backend}×${instances}` : backend) + (FACE ? '+face' : ''),
			province,
			requests: sent,
			ok,
			errors: sum(runs.map(({ result }) => result.non2xx + result.errors + result.timeouts))!,
			perSecond: ok / seconds,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			max: Math.round(latencies.at(-1) ?? 0),
			serverCpuMs: perRequestMs(0),
			loopCpuMs: perRequestMs(1),
			afterCpuMs: drain.cpuSeconds === null ? null : Math.round((drain.cpuSeconds * 1000 * 10) / sent) / 10,
			drainSeconds: Math.round(drain.seconds * 10) / 10,
			pendingPasswords: null,
			threadCpuMs,
			dbCpuMs: perRequestMs(2),
			clientCpuMs: Math.round((client.user + client.system) / 100 / sent) / 10,
			cpuCeilingPerSecond: ceiling(
				perRequestMs(0) === null ? null : perRequestMs(0)! + (drain.cpuSeconds ?? 0) * (1000 / sent),
				perRequestMs(2),
				(client.user + client.system) / 1000 / sent
			),
			load: Math.round(loadavg()[0] * 10) / 10,
			statusCodes
		};
	} finally {
		for (const server of servers) await server.stop();
	}
	row!.pendingPasswords = await pendingPasswordJobs(env, true);
	return row!;
}

/**
 * Unsent password jobs: on PostgreSQL read at any time; PGlite's database belongs to its server, so only once it
 * stopped (`stopped`), else null.
 */
async function pendingPasswordJobs(env: Record<string, string>, stopped = false): Promise<number | null> {
	const query = 'select count(*)::int as n from password_jobs where sent_at is null';
	if (env.DATABASE_URL) {
		const client = new pg.Client({ connectionString: env.DATABASE_URL });
		await client.connect();
		try {
			return (await client.query<{ n: number }>(query)).rows[0].n;
		} finally {
			await client.end();
		}
	}
	if (!stopped || !env.ZV_DATA_DIR) return null;
	const lite = new PGlite(env.ZV_DATA_DIR);
	try {
		return (await lite.query<{ n: number }>(query)).rows[0].n;
	} finally {
		await lite.close();
	}
}

/**
 * Waits until what the requests left to jobs (Hubei's password hashes) is done, at most 10 minutes: on PostgreSQL
 * until no password job is unsent; on PGlite (its database is the server's) until the servers use less than 5 % of
 * a core over half a second, which a loaded machine can satisfy early (the row's pendingPasswords then says so).
 * Returns the seconds waited and the servers' CPU meanwhile.
 */
async function untilIdle(
	pids: number[],
	pending: () => Promise<number | null>
): Promise<{ seconds: number; cpuSeconds: number | null }> {
	const started = performance.now();
	const first = sum(pids.map((pid) => cpuSeconds(pid)));
	let last = first;
	while (last !== null && performance.now() - started < 600_000) {
		await new Promise((r) => setTimeout(r, 500));
		const now = sum(pids.map((pid) => cpuSeconds(pid)));
		const unsent = await pending();
		const idle = unsent === null ? now === null || now - last < 0.025 : unsent === 0;
		last = now ?? last;
		if (idle) break;
	}
	return {
		seconds: (performance.now() - started) / 1000,
		cpuSeconds: first === null || last === null ? null : last - first
	};
}

/** The registration system's view of what was recorded for these ID numbers, counted by result. */
async function outcomesOf(origin: string, ids: Set<string>): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (let since = 0; ;) {
		const r = await fetch(`${origin}/api/registration/outcomes?since=${since}&limit=500`, {
			headers: { authorization: `Bearer ${REGISTRATION_TOKEN}` }
		});
		const page = (await r.json()) as { events: { idNumber: string; result: string }[]; next: number };
		for (const e of page.events) if (ids.has(e.idNumber)) counts[e.result] = (counts[e.result] ?? 0) + 1;
		if (page.events.length < 500) return counts;
		since = page.next;
	}
}

/** cores x 1000 / CPU ms per verification (server, database when separate, load generator). */
function ceiling(serverMs: number | null, dbMs: number | null, clientMs: number): number | null {
	if (serverMs === null) return null;
	return Math.round((cpus().length * 1000) / (serverMs + (dbMs ?? 0) + clientMs));
}

function sum(values: (number | null)[]): number | null {
	return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + v!, 0);
}

async function postgresEnv(): Promise<{
	env: Record<string, string>;
	dataDir: string | null;
	cleanup: () => Promise<void>;
} | null> {
	let url = process.env.DATABASE_URL;
	let dataDir: string | null = null;
	if (!url) {
		try {
			url = execFileSync('bash', ['tests/support/postgres.sh'], { encoding: 'utf8' }).trim();
		} catch {
			return null;
		}
		// Where tests/support/postgres.sh keeps the cluster, to count its CPU.
		const port = process.env.ZV_PG_PORT ?? '55432';
		dataDir = join(process.env.ZV_PG_DIR ?? `/tmp/zv-postgres-${port}`, 'data');
	}
	const schema = `zv_bench_${Date.now()}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`create schema ${schema}`);
	await admin.end();
	const scoped = new URL(url);
	scoped.searchParams.set('options', `-c search_path=${schema}`);
	return {
		env: { DATABASE_URL: scoped.toString() },
		dataDir,
		cleanup: async () => {
			const c = new pg.Client({ connectionString: url });
			await c.connect();
			await c.query(`drop schema ${schema} cascade`);
			await c.end();
		}
	};
}

/**
 * CPU of one password hash as the server computes it (scrypt N=2^14, r=8, p=1: the minimum ZV_SCRYPT_N), measured
 * as this process's CPU time, so it holds whatever else runs: 2 cores cannot hash more than 2000 / ms per second.
 */
function scryptCpuMs(runs = 10): number {
	const before = process.cpuUsage();
	for (let i = 0; i < runs; i++)
		scryptSync(String(10_000_000 + i), randomBytes(16), 32, {
			N: 16384,
			r: 8,
			p: 1,
			maxmem: 256 * 1024 * 1024
		});
	const used = process.cpuUsage(before);
	return Math.round((used.user + used.system) / 100 / runs) / 10;
}

const rows: Row[] = [];
const only = process.env.ZV_BENCH_ONLY; // e.g. "PGlite:beijing"
const wanted = (backend: string, province: string) => !only || only === `${backend}:${province}`;
/**
 * Each configuration runs ROUNDS times on a fresh database and the table shows the median round (by rate), with
 * every round's rate beside it: on this shared 2-core machine one run's CPU per verification varied by up to 25 %.
 */
const ROUNDS = Math.max(1, Number(process.env.ZV_BENCH_ROUNDS ?? 3));
async function median(run: () => Promise<Row>): Promise<Row> {
	const rounds: Row[] = [];
	for (let i = 0; i < ROUNDS; i++) rounds.push(await run());
	const sorted = [...rounds].sort((a, b) => a.perSecond - b.perSecond);
	const middle = sorted[Math.floor((sorted.length - 1) / 2)];
	return {
		...middle,
		rounds: rounds.map((r) => ({ perSecond: r.perSecond, p99: r.p99, serverCpuMs: r.serverCpuMs }))
	};
}
const loadBefore = loadavg()[0];
for (const province of ['hubei', 'beijing'] as const) {
	if (wanted('PGlite', province)) {
		rows.push(
			await median(async () => {
				const dir = mkdtempSync(join(tmpdir(), 'zv-bench-'));
				try {
					return await runOne('PGlite', { ZV_DATA_DIR: dir, DATABASE_URL: '' }, province, null);
				} finally {
					rmSync(dir, { recursive: true, force: true });
				}
			})
		);
	}
	// A fresh schema per run: rate limits and counters start from zero. The second configuration has two instances
	// on the 2 cores, one event loop per core, as behind a balancer.
	for (const instances of INSTANCES > 1 ? [1, INSTANCES] : [1]) {
		if (!wanted('PostgreSQL', province)) break;
		let unavailable = false;
		const row = await median(async () => {
			const pgEnv = await postgresEnv();
			if (!pgEnv) {
				unavailable = true;
				throw new Error('no PostgreSQL');
			}
			try {
				return await runOne('PostgreSQL', pgEnv.env, province, pgEnv.dataDir, instances);
			} finally {
				await pgEnv.cleanup();
			}
		}).catch((error: unknown) => {
			if (unavailable) return null;
			throw error;
		});
		if (!row) break;
		rows.push(row);
	}
}

console.log(
	`\nComplete verifications (signature + checks + photo re-check${FACE ? ' with face detection + duplicate-face embedding' : ''} + record), ${REQUESTS} requests, ${CONNECTIONS} connections, ${cpus().length} CPUs`
);
console.log(
	'backend           province  ok/sent    errors  verif/s   p50 ms  p99 ms  max ms  server cpu ms  loop ms  after ms (s)  db ms  client ms  cpu ceiling/s  load  status codes'
);
for (const r of rows) {
	const codes = Object.entries(r.statusCodes)
		.map(([c, n]) => `${c}x${n}`)
		.join(' ');
	console.log(
		`${r.backend.padEnd(17)} ${r.province.padEnd(9)} ${`${r.ok}/${r.requests}`.padEnd(10)} ${String(r.errors).padStart(6)}  ${r.perSecond.toFixed(1).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.max).padStart(6)}  ${String(r.serverCpuMs ?? '-').padStart(13)}  ${String(r.loopCpuMs ?? '-').padStart(7)}  ${`${r.afterCpuMs ?? '-'} (${r.drainSeconds}${r.pendingPasswords ? `, ${r.pendingPasswords} unsent` : ''})`.padStart(12)}  ${String(r.dbCpuMs ?? '-').padStart(5)}  ${String(r.clientCpuMs).padStart(9)}  ${String(r.cpuCeilingPerSecond ?? '-').padStart(13)}  ${r.load.toFixed(1).padStart(4)}  ${codes} ${JSON.stringify(r.outcomes)}`
	);
}
console.log(
	`each row is the median of ${ROUNDS} rounds (ZV_BENCH_ROUNDS); every round's verif/s and p99 ms:`
);
for (const r of rows) {
	const all = (r.rounds ?? []).map((x) => `${x.perSecond.toFixed(1)}/s p99 ${x.p99}`).join(', ');
	console.log(`  ${r.backend.padEnd(17)} ${r.province.padEnd(9)} ${all}`);
}
console.log(
	'server cpu ms per verification by thread (node pools = libuv pool, V8 GC/compiler helpers, photo re-check workers):'
);
for (const r of rows) {
	const threads = Object.entries(r.threadCpuMs)
		.sort((a, b) => b[1] - a[1])
		.map(([name, ms]) => `${name} ${ms}`)
		.join(', ');
	console.log(`  ${r.backend.padEnd(17)} ${r.province.padEnd(9)} ${threads}`);
}
console.log(
	`load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`
);
console.log(
	'cpu ceiling = cores x 1000 / (server + after + db + client cpu ms): the rate these cores could reach with nothing else running. server cpu = the server process (event loop + libuv pool: sharp decode, scrypt, WebCrypto + photo re-check workers) per verification until the last answer; after = its CPU per verification from then until idle (the password jobs the requests left, drained in the seconds shown); loop = its event-loop thread alone (one instance cannot exceed 1000/loop verifications/s); db = the PostgreSQL cluster; client = autocannon (this process).'
);
const scryptMs = scryptCpuMs();
console.log(
	`hubei: every confirmation leaves a password job (scrypt N=2^14, ${scryptMs} ms CPU each: at most ${Math.floor((cpus().length * 1000) / scryptMs)}/s on ${cpus().length} cores for the hash alone), run beside the requests one hash at a time per instance and drained after them; beijing sends no password.`
);
mkdirSync('bench/out', { recursive: true });
// The face rows go to their own file, so that a run of each keeps both.
const outFile = FACE ? 'bench/out/server-face.json' : 'bench/out/server.json';
writeFileSync(
	outFile,
	JSON.stringify(
		{
			at: new Date().toISOString(),
			cpus: cpus().length,
			requests: REQUESTS,
			connections: CONNECTIONS,
			rounds: ROUNDS,
			serverFace: FACE,
			target: { perSecond: 100, p99Ms: 200 },
			loadAverage: { before: loadBefore, after: loadavg()[0] },
			scryptCpuMs: scryptMs,
			rows
		},
		null,
		2
	)
);
console.log(`wrote ${outFile}`);
