// Load benchmark of complete verifications: POST /api/phone/submit with a signed bundle and the registration
// photo, each to its own opened session, against the built server (`node src/start.mjs`). One request does the
// signature check, challenge/ID/attachment checks, the photo re-check, with the face engine the match with the
// reference photo (Hubei) or the authority (Beijing) and the duplicate-identity search, and the recording
// transaction (outcome, admission number, attachments, event). Hubei's one-time password is hashed and sent by a job
// after the answer: the bench waits until the servers are idle again and reports that CPU too.
// Runs on PGlite and on PostgreSQL (DATABASE_URL, or the throwaway server of tests/support/postgres.sh), with the
// server face engine on and off, and ends with one table: each target, the figure, the load during the run.
//   npx vite build && npx tsx tests/bench/server.bench.ts
//   (ZV_BENCH_FACE=1|0 one engine setting only, ZV_BENCH_ONLY=PGlite:hubei, ZV_BENCH_REQUESTS, ZV_BENCH_ROUNDS,
//   ZV_BENCH_CONNECTIONS, ZV_BENCH_INSTANCES, ZV_BENCH_PEPPER=0 for scrypt one-time passwords, ZV_BENCH_REWARM:
//   rounds of warm-up in the other province after each PGlite restart)
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
	registerOverHttp,
	releasedOutcomeEvents,
	startServer,
	type PhoneSession,
	type ServerProcess
} from '../integration/server-process.ts';
import { benchPeople, type BenchPerson } from './people.ts';
import { streamLoad, type StreamItem, type StreamResult } from './stream-load.ts';

const REQUESTS = Number(process.env.ZV_BENCH_REQUESTS ?? 600);
const CONNECTIONS = Number(process.env.ZV_BENCH_CONNECTIONS ?? 8);
/**
 * PGlite with the face engine restarts its server before each measured round (see runOne): this many rounds of
 * verifications in the other province warm the new process first, unmeasured. One round left V8's compilers, the
 * photo workers' models and PGlite's caches cold for the measured one (node pools ~36 ms per verification against
 * ~22 on PostgreSQL's running server); the repeated faces of later warm-up rounds are held for review, which warms
 * the same code.
 */
const REWARM_ROUNDS = Math.max(1, Number(process.env.ZV_BENCH_REWARM ?? 4));
/** Server instances for the extra PostgreSQL row (1 = no extra row). */
const INSTANCES = Number(process.env.ZV_BENCH_INSTANCES ?? 2);
/**
 * The server face engine: on (the default of a deployment: the photo's content checks, the match with the
 * candidate's reference photo or the authority simulator, the duplicate-identity search across the province) and
 * off (ZV_SERVER_FACE=0: every submission is recorded as review, no server evidence, so no password either: the cost
 * of the rest). ZV_BENCH_FACE=1 or 0 runs only one of them.
 */
const FACE_MODES =
	process.env.ZV_BENCH_FACE === '1' ? [true] : process.env.ZV_BENCH_FACE === '0' ? [false] : [true, false];
const faceEnv = (face: boolean): Record<string, string> =>
	face
		? { ZV_SERVER_FACE: '1', ZV_STATIC_DIR: process.env.ZV_STATIC_DIR ?? join(process.cwd(), 'static') }
		: { ZV_SERVER_FACE: '0' };
/**
 * The servers store one-time passwords as a deployment should: peppered HMAC under a key outside the database
 * (docs/threat-model.md). ZV_BENCH_PEPPER=0 leaves the key out, so they are hashed with scrypt (~40 ms of CPU each).
 */
const PEPPER = process.env.ZV_BENCH_PEPPER === '0' ? null : randomBytes(32).toString('base64');
const pepperEnv: Record<string, string> = PEPPER ? { ZV_PASSWORD_PEPPER: PEPPER } : {};
/** The one photo of the engine-off rows (without the engine nothing compares faces). */
const oneMan: BenchPerson = {
	name: 'blue_bg_man',
	photo: new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg'))),
	referencePhoto: manReferencePhoto() as BenchPerson['referencePhoto']
};

let serial = 0;
/** Each phone's own address (X-Forwarded-For). */
let phones = 0;
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
	/** The server face engine was on. */
	face: boolean;
	requests: number;
	ok: number;
	errors: number;
	perSecond: number;
	p50: number;
	p99: number;
	max: number;
	/**
	 * Measured windows (1 for a stream): with PGlite and the face engine each round has at most one candidate per
	 * distinct person of the fixtures (benchPeople), and the bench clears the embeddings of its earlier rounds between
	 * them (not measured), so every request is a genuine first confirmation of its face in the province.
	 */
	measuredRounds: number;
	/**
	 * Server CPU per verification (ms): the whole process (event loop + libuv pool: sharp, scrypt) and its event-loop
	 * thread alone. The latter bounds one instance: 1000 / loopMs verifications per second at most, whatever the load.
	 */
	serverCpuMs: number | null;
	loopCpuMs: number | null;
	/**
	 * Server CPU per verification (ms) spent after each round's last answer until the servers were idle: the jobs the
	 * requests left behind (Hubei's password hash and SMS). Part of a verification's cost, counted in the ceiling.
	 */
	afterCpuMs: number | null;
	/** Seconds from the rounds' last answers until the servers were idle (the password queue drained), summed. */
	drainSeconds: number;
	/**
	 * Password jobs still unsent when the run ended (read from the database once the servers stopped): above 0,
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
	/** Everything per verification: server + after + database (ms); the load generator is apart. */
	totalCpuMs: number | null;
	/**
	 * Verifications per second the machine's cores could complete if nothing else ran: cores x 1000 / (server +
	 * after + database + load generator CPU ms per verification).
	 */
	cpuCeilingPerSecond: number | null;
	/** The 1-minute load average sampled every second during the measured rounds: mean and max. */
	load: number;
	loadMax: number;
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
type Body = { body: Buffer; type: string };
type Province = 'hubei' | 'beijing';

interface RunConfig {
	backend: string;
	env: Record<string, string>;
	province: Province;
	pgDataDir: string | null;
	instances: number;
	face: boolean;
}

/** Registers candidates of `province`, candidate i with person i % people's reference photo. */
function records(ids: string[], province: Province, people: BenchPerson[], face: boolean) {
	return ids.map((id, i) => ({
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
		...(face ? { referencePhoto: people[i % people.length].referencePhoto } : {})
	}));
}

/** Opens a session per ID number (four phones at a time) and signs its submission with person i % people's photo. */
async function prepare(
	origin: string,
	cookie: string,
	ids: string[],
	people: BenchPerson[]
): Promise<Body[]> {
	const prepared: Body[] = [];
	for (let i = 0; i < ids.length; i += 4) {
		const batch = await Promise.all(
			ids.slice(i, i + 4).map(async (id, j) => {
				const n = phones++;
				const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
				const phone: PhoneSession = await preparePhone(
					origin,
					cookie,
					id,
					people[(i + j) % people.length].photo,
					address
				);
				return multipart(phone.form());
			})
		);
		prepared.push(...batch);
	}
	return prepared;
}

/** Splits into rounds of at most `size`. */
const chunks = <T>(items: T[], size: number): T[][] =>
	Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * One configuration. Where the bench can delete embeddings while the servers run (PostgreSQL) or there are none (face
 * engine off), one sustained stream (stream-load.ts): with the face engine at most one request per distinct person
 * in flight, and each answered candidate's embedding deleted before that person's next request, a statement whose
 * database CPU is counted. Otherwise (PGlite with the face engine) the requests go in rounds of at most one
 * candidate per distinct person
 * (the duplicate search covers the province: a second candidate with a face already confirmed is held for review,
 * which skips the password and flatters the figure). Between rounds the bench deletes the face embeddings its earlier
 * rounds stored, a bench-only step outside the measured time (the search over a province's many embeddings is what
 * tests/bench/duplicates.bench.ts measures): on PostgreSQL directly; PGlite's database belongs to its server process,
 * so the bench stops it, deletes, starts it again and warms it with a few verifications in the other province (whose
 * embeddings do not meet this province's search), all unmeasured. `instances` servers share a PostgreSQL database;
 * each round's sessions are dealt out among them.
 */
async function runOne(c: RunConfig): Promise<Row> {
	// ZV_BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
	const profileDir = process.env.ZV_BENCH_CPU_PROF;
	const env = { ...faceEnv(c.face), ...pepperEnv, ADDRESS_HEADER: 'x-forwarded-for', ...c.env };
	const people = c.face ? await benchPeople(c.province) : [oneMan];
	const roundSize = c.face ? Math.min(people.length, REQUESTS) : REQUESTS;
	const restarts = c.face && !c.env.DATABASE_URL;
	const other: Province = c.province === 'hubei' ? 'beijing' : 'hubei';
	const otherPeople = restarts ? await benchPeople(other) : [];
	const servers: ServerProcess[] = [];
	const start = async () => {
		for (let i = 0; i < c.instances; i++)
			servers.push(
				await startServer(
					await pickPort(3500, 100),
					// Phones reach a deployment through its proxy, each from its own address: the bench's phones say
					// theirs in X-Forwarded-For, so the link-open limit (300 a minute per address) counts per phone.
					env,
					profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
				)
			);
	};
	const stop = async () => {
		for (const server of servers.splice(0)) await server.stop();
	};
	let row: Row | null = null;
	// PostgreSQL: the bench's one connection for its queries between rounds. A connection per query started a
	// backend each time, whose CPU the cluster's figure counted when it exited, inside a later measured round.
	const bench = c.env.DATABASE_URL ? new pg.Client({ connectionString: c.env.DATABASE_URL }) : null;
	await bench?.connect();
	const loads: number[] = [];
	const loadTimer = setInterval(() => loads.push(loadavg()[0]), 1000);
	try {
		await start();
		// A few verifications per instance first, not measured: JIT, lazy imports and pools warm up as in service.
		const warmups = Math.min(20, Math.ceil(REQUESTS / 10)) * c.instances;
		const ids = Array.from({ length: REQUESTS + warmups }, idNumber);
		await registerOverHttp(servers[0].origin, records(ids, c.province, people, c.face));
		const cookie = await adminCookie(servers[0].origin);
		const bodies = await prepare(servers[0].origin, cookie, ids, people);
		const warm = chunks(bodies.slice(0, warmups), roundSize);
		const measured = chunks(bodies.slice(warmups), roundSize);
		// PGlite: rounds of verifications in the other province after each restart, to warm the new process.
		const rewarmSize = Math.min(8, roundSize);
		const rewarmIds = restarts
			? Array.from({ length: (warm.length + measured.length) * rewarmSize * REWARM_ROUNDS }, idNumber)
			: [];
		if (rewarmIds.length)
			await registerOverHttp(servers[0].origin, records(rewarmIds, other, otherPeople, true));
		const rewarm = chunks(await prepare(servers[0].origin, cookie, rewarmIds, otherPeople), rewarmSize);
		const clear = async () => {
			if (!c.face) return;
			if (!restarts) {
				await bench!.query('delete from face_embeddings');
				return;
			}
			await stop();
			const lite = new PGlite(c.env.ZV_DATA_DIR);
			try {
				await lite.query('delete from face_embeddings where province = $1', [c.province]);
			} finally {
				await lite.close();
			}
			await start();
			for (const next of rewarm.splice(0, REWARM_ROUNDS))
				await load(servers[0].origin, next, Math.min(CONNECTIONS, next.length));
			await untilIdle(pids(), async () => null);
		};
		const pids = () => servers.map((server) => server.child.pid!);
		const deal = (round: Body[]) => servers.map((_, i) => round.filter((_, j) => j % servers.length === i));
		// PostgreSQL (or no face engine): one sustained stream, each answered candidate's embedding deleted at once.
		const streaming = !restarts;
		const streamConnections = c.face ? Math.min(CONNECTIONS, people.length) : CONNECTIONS;
		/** Bodies from `offset` on as stream items: dealt out among the servers, each with its person. */
		const streamItems = (slice: Body[], offset: number): StreamItem[] =>
			slice.map((b, j) => ({
				...b,
				origin: servers[(offset + j) % servers.length].origin,
				person: c.face ? people[(offset + j) % people.length].name : String(offset + j)
			}));
		// One statement at a time on the bench's one connection (answers arrive together).
		let forgetting: Promise<unknown> = Promise.resolve();
		const forgetFace = (id: string) =>
			(forgetting = forgetting.then(() =>
				bench!.query(
					'delete from face_embeddings where candidate_id = (select id from candidates where id_number = $1)',
					[id]
				)
			));
		const release = c.face ? (i: number) => forgetFace(ids[warmups + i]).then(() => {}) : undefined;
		if (streaming) {
			await streamLoad(streamItems(bodies.slice(0, warmups), 0), streamConnections, (i) =>
				c.face ? forgetFace(ids[i]).then(() => {}) : Promise.resolve()
			);
			await untilIdle(pids(), () => pendingPasswordJobs(c.env, false, bench ?? undefined));
		} else
			for (const round of warm) {
				await Promise.all(deal(round).map((share, i) => load(servers[i].origin, share, 2)));
				await untilIdle(pids(), () => pendingPasswordJobs(c.env, false, bench ?? undefined));
				await clear();
			}

		const sample = () => {
			const p = pids();
			return [
				sum(p.map((pid) => cpuSeconds(pid))),
				sum(p.map((pid) => cpuSeconds(pid, true))),
				clusterCpuSeconds(c.pgDataDir)
			];
		};
		const threadsSample = () => {
			const total = new Map<string, number>();
			for (const pid of pids())
				for (const [name, seconds] of threadCpuSeconds(pid))
					total.set(name, (total.get(name) ?? 0) + seconds);
			return total;
		};
		const cpu: (number | null)[] = [0, 0, 0];
		const threads = new Map<string, number>();
		let clientMicros = 0;
		let seconds = 0;
		let afterSeconds: number | null = 0;
		let drainSeconds = 0;
		const latencies: number[] = [];
		let sent = 0;
		let ok = 0;
		let errors = 0;
		const statusCodes: Record<string, number> = {};
		loads.length = 0;
		/** One measured window: CPU of the servers, their threads, the database and this process around `run`. */
		const window = async (run: () => Promise<Omit<StreamResult, 'seconds'> & { seconds: number }>) => {
			const threadsBefore = threadsSample();
			const before = sample();
			const clientBefore = process.cpuUsage();
			const r = await run();
			seconds += r.seconds;
			const after = sample();
			for (let i = 0; i < 3; i++)
				cpu[i] =
					cpu[i] === null || before[i] === null || after[i] === null
						? null
						: cpu[i]! + after[i]! - before[i]!;
			for (const [name, s] of threadsSample())
				threads.set(name, (threads.get(name) ?? 0) + s - (threadsBefore.get(name) ?? 0));
			const client = process.cpuUsage(clientBefore);
			clientMicros += client.user + client.system;
			const drain = await untilIdle(pids(), () => pendingPasswordJobs(c.env, false, bench ?? undefined));
			afterSeconds =
				afterSeconds === null || drain.cpuSeconds === null ? null : afterSeconds + drain.cpuSeconds;
			drainSeconds += drain.seconds;
			latencies.push(...r.latencies);
			sent += r.sent;
			ok += r.ok;
			errors += r.errors;
			for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
		};
		if (streaming) {
			await window(() => streamLoad(streamItems(bodies.slice(warmups), warmups), streamConnections, release));
		} else {
			for (const [index, round] of measured.entries()) {
				await window(async () => {
					const started = performance.now();
					const shares = deal(round);
					const runs = await Promise.all(
						shares.map((share, i) =>
							load(
								servers[i].origin,
								share,
								Math.max(1, Math.min(share.length, Math.floor(CONNECTIONS / c.instances)))
							)
						)
					);
					const statusCodes: Record<string, number> = {};
					for (const r of runs)
						for (const [code, v] of Object.entries(r.result.statusCodeStats ?? {}))
							statusCodes[code] = (statusCodes[code] ?? 0) + (v as { count: number }).count;
					return {
						// Up to the last response: autocannon reports completion on its one-second tick.
						seconds: (Math.max(...runs.map((r) => r.lastResponseAt)) - started) / 1000,
						latencies: runs.flatMap((r) => r.latencies),
						sent: sum(runs.map((r) => r.result.requests.sent))!,
						ok: sum(runs.map((r) => r.result['2xx']))!,
						errors: sum(runs.map((r) => r.result.non2xx + r.result.errors + r.result.timeouts))!,
						statusCodes
					};
				});
				if (index < measured.length - 1) await clear();
			}
		}
		const measuredLoads = [...loads];
		const perVerification = (s: number | null) =>
			s === null ? null : Math.round((s * 1000 * 10) / sent) / 10;
		latencies.sort((x, y) => x - y);
		const threadCpuMs: Record<string, number> = {};
		for (const [name, s] of threads) {
			const ms = perVerification(s)!;
			if (ms > 0) threadCpuMs[name] = ms;
		}
		const outcomes = await outcomesOf(servers[0].origin, new Set(ids.slice(warmups)));
		const serverCpuMs = perVerification(cpu[0]);
		const afterCpuMs = perVerification(afterSeconds);
		const dbCpuMs = perVerification(cpu[2]);
		const clientCpuMs = Math.round(clientMicros / 100 / sent) / 10;
		const totalCpuMs =
			serverCpuMs === null ? null : Math.round((serverCpuMs + (afterCpuMs ?? 0) + (dbCpuMs ?? 0)) * 10) / 10;
		row = {
			outcomes,
			backend: c.instances > 1 ? `${c.backend}×${c.instances}` : c.backend,
			province: c.province,
			face: c.face,
			requests: sent,
			ok,
			errors,
			perSecond: ok / seconds,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			max: Math.round(latencies.at(-1) ?? 0),
			measuredRounds: streaming ? 1 : measured.length,
			serverCpuMs,
			loopCpuMs: perVerification(cpu[1]),
			afterCpuMs,
			drainSeconds: Math.round(drainSeconds * 10) / 10,
			pendingPasswords: null,
			threadCpuMs,
			dbCpuMs,
			clientCpuMs,
			totalCpuMs,
			cpuCeilingPerSecond: ceiling(totalCpuMs, clientCpuMs),
			load:
				Math.round((measuredLoads.reduce((a, v) => a + v, 0) / Math.max(1, measuredLoads.length)) * 10) / 10,
			loadMax: Math.round(Math.max(loadavg()[0], ...measuredLoads) * 10) / 10,
			statusCodes
		};
	} finally {
		clearInterval(loadTimer);
		await bench?.end();
		await stop();
	}
	row!.pendingPasswords = await pendingPasswordJobs(c.env, true);
	return row!;
}

/**
 * Unsent password jobs: on PostgreSQL read at any time; PGlite's database belongs to its server, so only once it
 * stopped (`stopped`), else null.
 */
async function pendingPasswordJobs(
	env: Record<string, string>,
	stopped = false,
	open?: pg.Client
): Promise<number | null> {
	const query = 'select count(*)::int as n from password_jobs where sent_at is null';
	if (open) return (await open.query<{ n: number }>(query)).rows[0].n;
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
	for (const e of await releasedOutcomeEvents(origin))
		if (ids.has(e.idNumber)) counts[e.result] = (counts[e.result] ?? 0) + 1;
	return counts;
}

/** cores x 1000 / CPU ms per verification (server, after, database when separate; load generator). */
function ceiling(totalMs: number | null, clientMs: number): number | null {
	if (totalMs === null) return null;
	return Math.round((cpus().length * 1000) / (totalMs + clientMs));
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
		const port = new URL(url).port;
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
const startedAt = new Date();
const loadBefore = loadavg()[0];
for (const face of FACE_MODES) {
	for (const province of ['hubei', 'beijing'] as const) {
		if (wanted('PGlite', province)) {
			rows.push(
				await median(async () => {
					const dir = mkdtempSync(join(tmpdir(), 'zv-bench-'));
					try {
						return await runOne({
							backend: 'PGlite',
							env: { ZV_DATA_DIR: dir, DATABASE_URL: '' },
							province,
							pgDataDir: null,
							instances: 1,
							face
						});
					} finally {
						rmSync(dir, { recursive: true, force: true });
					}
				})
			);
		}
		// A fresh schema per run: rate limits and counters start from zero. The second configuration has two
		// instances on the 2 cores, one event loop per core, as behind a balancer.
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
					return await runOne({
						backend: 'PostgreSQL',
						env: pgEnv.env,
						province,
						pgDataDir: pgEnv.dataDir,
						instances,
						face
					});
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
}

const engine = (face: boolean) => (face ? 'face on ' : 'face off');
console.log(
	`\nComplete verifications, ${REQUESTS} requests per row, ${CONNECTIONS} connections, ${cpus().length} CPUs, one-time passwords ${PEPPER ? 'peppered HMAC' : 'scrypt'}`
);
console.log(
	'backend         engine    province  ok/sent    errors  verif/s   p50 ms  p99 ms  max ms  server cpu ms  loop ms  after ms (s)  db ms  client ms  cpu ceiling/s  load  outcomes'
);
for (const r of rows) {
	const codes = Object.entries(r.statusCodes)
		.filter(([c]) => !c.startsWith('2'))
		.map(([c, n]) => ` ${c}x${n}`)
		.join('');
	console.log(
		`${r.backend.padEnd(15)} ${engine(r.face)}  ${r.province.padEnd(9)} ${`${r.ok}/${r.requests}`.padEnd(10)} ${String(r.errors).padStart(6)}  ${r.perSecond.toFixed(1).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.max).padStart(6)}  ${String(r.serverCpuMs ?? '-').padStart(13)}  ${String(r.loopCpuMs ?? '-').padStart(7)}  ${`${r.afterCpuMs ?? '-'} (${r.drainSeconds}${r.pendingPasswords ? `, ${r.pendingPasswords} unsent` : ''})`.padStart(12)}  ${String(r.dbCpuMs ?? '-').padStart(5)}  ${String(r.clientCpuMs).padStart(9)}  ${String(r.cpuCeilingPerSecond ?? '-').padStart(13)}  ${r.load.toFixed(1).padStart(4)}  ${JSON.stringify(r.outcomes)}${codes}`
	);
}
console.log(`each row is the median of ${ROUNDS} runs (ZV_BENCH_ROUNDS); every run's verif/s and p99 ms:`);
for (const r of rows) {
	const all = (r.rounds ?? []).map((x) => `${x.perSecond.toFixed(1)}/s p99 ${x.p99}`).join(', ');
	console.log(`  ${r.backend.padEnd(15)} ${engine(r.face)}  ${r.province.padEnd(9)} ${all}`);
}
console.log(
	'server cpu ms per verification by thread (node pools = libuv pool, V8 GC/compiler helpers, photo re-check workers):'
);
for (const r of rows) {
	const threads = Object.entries(r.threadCpuMs)
		.sort((a, b) => b[1] - a[1])
		.map(([name, ms]) => `${name} ${ms}`)
		.join(', ');
	console.log(`  ${r.backend.padEnd(15)} ${engine(r.face)}  ${r.province.padEnd(9)} ${threads}`);
}
console.log(
	"With the face engine each request is a first confirmation of its face: on PostgreSQL one sustained stream with at most one request per distinct person of the fixtures in flight, the bench deleting each answered candidate's embedding before that person's next request (counted: db); on PGlite rounds of one candidate per person, the bench clearing embeddings between them (unmeasured, with a server restart). outcomes shows what was recorded (anything but confirmed there flatters the row). Without the engine every submission is review and Hubei sends no password; that row is one stream. server cpu = the server process per verification until the last answer (of each round); after = from then until idle (the password jobs); loop = its event-loop thread alone; db = the PostgreSQL cluster; client = this process (the load generator); cpu ceiling = cores x 1000 / (server + after + db + client)."
);

/** The targets of issues 14 and 19 (item 4), each with its figure and the load while it was measured. */
interface Target {
	target: string;
	figure: string;
	met: boolean | null;
	load: string;
}
const targets: Target[] = [];
const loadOf = (r: Row) => `${r.load.toFixed(1)} (max ${r.loadMax.toFixed(1)})`;
for (const r of rows) {
	if (r.backend.includes('×')) continue;
	const [rate, p99] = r.face ? [50, 300] : [100, 200];
	const confirmed = r.outcomes.confirmed ?? 0;
	const genuine = !r.face || confirmed === r.requests;
	targets.push({
		target: `${r.province} ${r.backend}, face ${r.face ? 'on' : 'off'}: ≥ ${rate}/s, p99 < ${p99} ms (${r.face ? 'issue 14' : 'issue 19.4'})`,
		figure: `${r.perSecond.toFixed(1)}/s, p99 ${r.p99} ms, ${r.face ? `${confirmed}/${r.requests} confirmed` : 'all review'}, ${r.errors} errors`,
		met: r.perSecond >= rate && r.p99 < p99 && r.errors === 0 && genuine,
		load: loadOf(r)
	});
}
for (const r of rows) {
	if (r.backend.includes('×')) continue;
	targets.push({
		target: `CPU ms per verification: ${r.province} ${r.backend}, face ${r.face ? 'on' : 'off'}`,
		figure: `${r.totalCpuMs ?? '-'} (server ${r.serverCpuMs ?? '-'} + after ${r.afterCpuMs ?? '-'} + db ${r.dbCpuMs ?? '-'}; client ${r.clientCpuMs})`,
		met: null,
		load: loadOf(r)
	});
}
for (const r of rows) {
	if (!r.backend.includes('×')) continue;
	const one = rows.find((o) => o.backend === 'PostgreSQL' && o.province === r.province && o.face === r.face);
	if (!one || one.totalCpuMs === null || r.totalCpuMs === null) continue;
	const added = Math.round((r.totalCpuMs - one.totalCpuMs) * 10) / 10;
	targets.push({
		target: `CPU a second instance adds per verification: ${r.province}, face ${r.face ? 'on' : 'off'} (issue 19.5)`,
		figure: `${added >= 0 ? '+' : ''}${added} ms (${one.totalCpuMs} with one, ${r.totalCpuMs} with ${r.backend.split('×')[1]}; ${r.perSecond.toFixed(1)}/s, p99 ${r.p99} ms)`,
		met: null,
		load: loadOf(r)
	});
}
const width = Math.max(...targets.map((t) => t.target.length));
const figureWidth = Math.max(...targets.map((t) => t.figure.length));
console.log(
	`\nTargets (${cpus().length} CPUs; load = 1-minute load average during the row's measured rounds, mean and max)`
);
console.log(`${'target'.padEnd(width)}  ${'figure'.padEnd(figureWidth)}  met   load`);
for (const t of targets)
	console.log(
		`${t.target.padEnd(width)}  ${t.figure.padEnd(figureWidth)}  ${(t.met === null ? '' : t.met ? 'yes' : 'NO').padEnd(4)}  ${t.load}`
	);
const loadAfter = loadavg()[0];
console.log(
	`load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)} on ${cpus().length} CPUs; wall-clock figures mean something only on a quiet machine (load well under the core count), CPU ms much less affected`
);
const scryptMs = scryptCpuMs();
console.log(
	`hubei: every confirmation leaves a password job; its hash is ${PEPPER ? 'a peppered HMAC (microseconds)' : `scrypt N=2^14 (${scryptMs} ms CPU each: at most ${Math.floor((cpus().length * 1000) / scryptMs)}/s on ${cpus().length} cores for the hash alone)`}; beijing sends no password.`
);
mkdirSync('bench/out', { recursive: true });
// A run of one engine setting keeps its own file, so that a run of each keeps both.
const outFile =
	FACE_MODES.length === 2
		? 'bench/out/server.json'
		: FACE_MODES[0]
			? 'bench/out/server-face.json'
			: 'bench/out/server-noface.json';
writeFileSync(
	outFile,
	JSON.stringify(
		{
			at: startedAt.toISOString(),
			finished: new Date().toISOString(),
			cpus: cpus().length,
			requests: REQUESTS,
			connections: CONNECTIONS,
			rounds: ROUNDS,
			faceModes: FACE_MODES,
			oneTimePasswords: PEPPER ? 'hmac-sha256 (pepper)' : 'scrypt',
			loadAverage: { before: loadBefore, after: loadAfter },
			scryptCpuMs: scryptMs,
			targets,
			rows
		},
		null,
		2
	)
);
console.log(`wrote ${outFile}`);
