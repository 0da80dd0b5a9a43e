// Load benchmark of complete verifications: POST /api/phone/submit with a signed bundle and the registration
// photo, each to its own opened session, against the built server (`node src/start.mjs`). One request does the
// signature check, challenge/ID/attachment checks, the photo re-check (decode + background), the limits, and the
// recording transaction (outcome, admission number, attachments, event; Hubei also the scrypt password hash).
// Runs on PGlite and on PostgreSQL (DATABASE_URL, or the throwaway server of tests/support/postgres.sh).
//   npx vite build && npx tsx tests/bench/server.bench.ts      (ZV_BENCH_REQUESTS, ZV_BENCH_CONNECTIONS)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
	statusCodes: Record<string, number>;
}

async function runOne(
	backend: string,
	env: Record<string, string>,
	province: 'hubei' | 'beijing'
): Promise<Row> {
	const port = 3800 + Math.floor(Math.random() * 150);
	const server = await startServer(port, env);
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

async function postgresEnv(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> } | null> {
	let url = process.env.DATABASE_URL;
	if (!url) {
		try {
			url = execFileSync('bash', ['tests/support/postgres.sh'], { encoding: 'utf8' }).trim();
		} catch {
			return null;
		}
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
			rows.push(await runOne('PGlite', { ZV_DATA_DIR: dir, DATABASE_URL: '' }, province));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	const pgEnv = wanted('PostgreSQL', province) ? await postgresEnv() : null;
	if (pgEnv) {
		try {
			rows.push(await runOne('PostgreSQL', pgEnv.env, province));
		} finally {
			await pgEnv.cleanup();
		}
	}
}

console.log(
	`\nComplete verifications (signature + checks + photo re-check + record), ${REQUESTS} requests, ${CONNECTIONS} connections, ${cpus().length} CPUs`
);
console.log('backend     province  ok/sent    errors  verif/s   p50 ms  p99 ms  max ms  status codes');
for (const r of rows) {
	const codes = Object.entries(r.statusCodes)
		.map(([c, n]) => `${c}x${n}`)
		.join(' ');
	console.log(
		`${r.backend.padEnd(11)} ${r.province.padEnd(9)} ${`${r.ok}/${r.requests}`.padEnd(10)} ${String(r.errors).padStart(6)}  ${r.perSecond.toFixed(1).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.max).padStart(6)}  ${codes}`
	);
}
console.log(
	`load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`
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
			rows
		},
		null,
		2
	)
);
console.log('wrote bench/out/server.json');
