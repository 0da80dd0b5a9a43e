// Load benchmark of complete verifications: POST /api/phone/submit with a signed bundle and the registration
// photo, each to its own opened session, against the built server (`node src/start.mjs`). One request does the
// signature check, challenge/ID/attachment checks, the photo re-check (decode + background), the limits, and the
// recording transaction (outcome, admission number, attachments, event; Hubei also the scrypt password hash).
// Runs on PGlite and on PostgreSQL (DATABASE_URL, or the throwaway server of tests/support/postgres.sh).
//   npx vite build && npx tsx tests/bench/server.bench.ts      (ZV_BENCH_REQUESTS, ZV_BENCH_CONNECTIONS)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import { fixture } from '../support/fixtures.ts';
import {
	adminCookie,
	preparePhone,
	registerOverHttp,
	startServer,
	type PhoneSession
} from '../integration/server-process.ts';

const REQUESTS = Number(process.env.ZV_BENCH_REQUESTS ?? 200);
const CONNECTIONS = Number(process.env.ZV_BENCH_CONNECTIONS ?? 8);
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

/** CPU seconds (user + system) of a process, or of one of its threads, from /proc (Linux). */
function cpuSeconds(pid: number, thread = false): number | null {
	try {
		const stat = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
		// Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
	} catch {
		return null;
	}
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds of a PostgreSQL cluster: the postmaster (first line of postmaster.pid) and its children. */
function clusterCpuSeconds(dataDir: string | null): number | null {
	if (!dataDir) return null;
	try {
		const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		let total = cpuSeconds(postmaster) ?? 0;
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
	/** PostgreSQL's CPU per verification (its backends live across the run), when the bench started the cluster. */
	dbCpuMs: number | null;
	/** This process's CPU per verification: autocannon, the load generator, shares the 2 cores too. */
	clientCpuMs: number;
	/** 1-minute load average when the run ended (other processes share the 2 cores). */
	load: number;
	statusCodes: Record<string, number>;
}

async function runOne(
	backend: string,
	env: Record<string, string>,
	province: 'hubei' | 'beijing',
	pgDataDir: string | null
): Promise<Row> {
	const port = Number(process.env.ZV_BENCH_PORT ?? 3500 + Math.floor(Math.random() * 100));
	// ZV_BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
	const profileDir = process.env.ZV_BENCH_CPU_PROF;
	const server = await startServer(
		port,
		env,
		profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
	);
	try {
		const ids = Array.from({ length: REQUESTS }, idNumber);
		await registerOverHttp(
			server.origin,
			ids.map((id, i) => ({
				idNumber: id,
				name: '压测考生',
				sex: '男',
				ethnicity: '汉',
				birthDate: '1995-01-15',
				address: '测试地址',
				phone: '13900000000',
				major: '法学',
				examArea: `考区${i}`,
				province
			}))
		);
		const cookie = await adminCookie(server.origin);
		const phones: PhoneSession[] = [];
		for (const id of ids) phones.push(await preparePhone(server.origin, cookie, id, photo));
		const bodies = await Promise.all(phones.map((p) => multipart(p.form())));
		let next = 0;
		const pid = server.child.pid!;
		const cpuBefore = [cpuSeconds(pid), cpuSeconds(pid, true), clusterCpuSeconds(pgDataDir)];
		const clientBefore = process.cpuUsage();
		const result = await autocannon({
			url: `${server.origin}/api/phone/submit`,
			connections: CONNECTIONS,
			amount: REQUESTS,
			timeout: 30,
			requests: [
				{
					method: 'POST',
					setupRequest: (req) => {
						const b = bodies[next++ % bodies.length];
						return {
							...req,
							body: b.body,
							headers: { ...req.headers, 'content-type': b.type, origin: server.origin }
						};
					}
				}
			]
		});
		const cpuAfter = [cpuSeconds(pid), cpuSeconds(pid, true), clusterCpuSeconds(pgDataDir)];
		const client = process.cpuUsage(clientBefore);
		const perRequestMs = (i: number) =>
			cpuBefore[i] === null || cpuAfter[i] === null
				? null
				: Math.round(((cpuAfter[i]! - cpuBefore[i]!) * 1000 * 10) / result.requests.sent) / 10;
		const ok = result['2xx'];
		return {
			backend,
			province,
			requests: result.requests.sent,
			ok,
			errors: result.non2xx + result.errors + result.timeouts,
			perSecond: ok / (result.duration || 1),
			p50: result.latency.p50,
			p99: result.latency.p99,
			max: result.latency.max,
			serverCpuMs: perRequestMs(0),
			loopCpuMs: perRequestMs(1),
			dbCpuMs: perRequestMs(2),
			clientCpuMs: Math.round((client.user + client.system) / 100 / result.requests.sent) / 10,
			load: Math.round(loadavg()[0] * 10) / 10,
			statusCodes: Object.fromEntries(
				Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [
					code,
					(v as { count: number }).count
				])
			)
		};
	} finally {
		await server.stop();
	}
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

const rows: Row[] = [];
const only = process.env.ZV_BENCH_ONLY; // e.g. "PGlite:beijing"
const wanted = (backend: string, province: string) => !only || only === `${backend}:${province}`;
const loadBefore = loadavg()[0];
for (const province of ['hubei', 'beijing'] as const) {
	const dir = mkdtempSync(join(tmpdir(), 'zv-bench-'));
	try {
		if (wanted('PGlite', province))
			rows.push(await runOne('PGlite', { ZV_DATA_DIR: dir, DATABASE_URL: '' }, province, null));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	const pgEnv = wanted('PostgreSQL', province) ? await postgresEnv() : null;
	if (pgEnv) {
		try {
			rows.push(await runOne('PostgreSQL', pgEnv.env, province, pgEnv.dataDir));
		} finally {
			await pgEnv.cleanup();
		}
	}
}

console.log(
	`\nComplete verifications (signature + checks + photo re-check + record), ${REQUESTS} requests, ${CONNECTIONS} connections, ${cpus().length} CPUs`
);
console.log(
	'backend     province  ok/sent    errors  verif/s   p50 ms  p99 ms  max ms  server cpu ms  loop ms  db ms  client ms  load  status codes'
);
for (const r of rows) {
	const codes = Object.entries(r.statusCodes)
		.map(([c, n]) => `${c}x${n}`)
		.join(' ');
	console.log(
		`${r.backend.padEnd(11)} ${r.province.padEnd(9)} ${`${r.ok}/${r.requests}`.padEnd(10)} ${String(r.errors).padStart(6)}  ${r.perSecond.toFixed(1).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.max).padStart(6)}  ${String(r.serverCpuMs ?? '-').padStart(13)}  ${String(r.loopCpuMs ?? '-').padStart(7)}  ${String(r.dbCpuMs ?? '-').padStart(5)}  ${String(r.clientCpuMs).padStart(9)}  ${r.load.toFixed(1).padStart(4)}  ${codes}`
	);
}
console.log(
	`load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`
);
console.log(
	'server cpu = the server process (event loop + libuv pool: sharp decode, scrypt, WebCrypto) per verification; loop = its event-loop thread alone (one instance cannot exceed 1000/loop verifications/s); db = the PostgreSQL cluster; client = autocannon (this process).'
);
console.log(
	'hubei includes the scrypt hash (N=2^14) of the one-time password on every verification; beijing sends no password.'
);
mkdirSync('bench/out', { recursive: true });
writeFileSync(
	'bench/out/server.json',
	JSON.stringify(
		{
			at: new Date().toISOString(),
			cpus: cpus().length,
			requests: REQUESTS,
			connections: CONNECTIONS,
			target: { perSecond: 100, p99Ms: 200 },
			loadAverage: { before: loadBefore, after: loadavg()[0] },
			rows
		},
		null,
		2
	)
);
console.log('wrote bench/out/server.json');
