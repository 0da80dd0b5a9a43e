// Runs the built server (`node src/start.mjs` over build/) as a child process, for crash tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { exportPublicKey, generateDeviceKey, signBundle } from '../../src/lib/core/bundle/sign.ts';
import type { BundlePayload, StepResult } from '../../src/lib/core/bundle/schema.ts';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import { requiredBundleSteps } from '../../src/lib/core/policy/steps.ts';
import type { PolledEvent } from '../../src/lib/server/services/registration.ts';
import { fixture } from '../support/fixtures.ts';
import { TEST_SIGNATURE } from './support.ts';

export interface ServerProcess {
	origin: string;
	child: ChildProcess;
	output: () => string;
	/** SIGKILL: no shutdown hooks, no flushing. */
	kill(): Promise<void>;
	stop(): Promise<void>;
}

export const ADMIN_PASSWORD = 'integration-admin-password';
export const REGISTRATION_TOKEN = 'integration-registration-token';

/**
 * A free port for a test server: from `ZV_TEST_PORTS` ("3500-3599", so engineers sharing a machine keep to their
 * own ranges) or else from base..base+span-1; each candidate is probed so parallel test files do not collide.
 */
export async function pickPort(base: number, span: number): Promise<number> {
	const range = /^(\d+)-(\d+)$/.exec(process.env.ZV_TEST_PORTS ?? '');
	const [low, count] = range ? [Number(range[1]), Number(range[2]) - Number(range[1]) + 1] : [base, span];
	for (let tries = 0; tries < 50; tries++) {
		const port = low + Math.floor(Math.random() * count);
		if (await refusedByFetch(port)) continue;
		const free = await new Promise<boolean>((resolve) => {
			const probe = createServer()
				.once('error', () => resolve(false))
				.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
		});
		if (free) return port;
	}
	throw new Error(`no free port in ${low}-${low + count - 1}`);
}

/**
 * Whether fetch refuses the port outright: the Fetch standard blocks a list of ports (3659, 4045, 6000, ...), so a
 * server there could never be reached by the tests. fetch itself is asked, so the list is the one in use.
 */
async function refusedByFetch(port: number): Promise<boolean> {
	try {
		await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
		return false;
	} catch (error) {
		return (error as { cause?: Error }).cause?.message === 'bad port';
	}
}

/** `nodeArgs` go to the server's node (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
export async function startServer(
	port: number,
	env: Record<string, string>,
	nodeArgs: readonly string[] = []
): Promise<ServerProcess> {
	if (!existsSync('build/handler.js')) throw new Error('build/ is missing: run `npx vite build` first');
	const child = spawn(process.execPath, [...nodeArgs, 'src/start.mjs'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ZV_SEED_DEMO: '0',
			ZV_ADMIN_PASSWORD: ADMIN_PASSWORD,
			ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
			BODY_SIZE_LIMIT: '2M',
			ORIGIN: `http://127.0.0.1:${port}`,
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	const origin = `http://127.0.0.1:${port}`;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	for (let i = 0; i < 300; i++) {
		if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
		try {
			const r = await fetch(`${origin}/api/staff/me`);
			if (r.status === 401) break;
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		origin,
		child,
		output: () => log,
		kill: async () => {
			child.kill('SIGKILL');
			await exited;
		},
		stop: async () => {
			child.kill('SIGTERM');
			await exited;
		}
	};
}

let reference: string | null = null;
/**
 * The reference photo of the man in TEST_PHOTO (an earlier, uncropped picture of him), base64, as the registration
 * system sends it: with it the server's face engine can confirm him.
 */
export const manReferencePhoto = () => ({
	source: 'previous_registration',
	jpeg: (reference ??= readFileSync(fixture('idphotos/blue_bg_man_original_358x441.jpg')).toString('base64'))
});

/**
 * A Hubei registration record for the HTTP tests; by default each candidate has an exam area of its own, and the
 * man of the test photo's reference photo.
 */
export const hubeiRecord = (
	idNumber: string,
	examArea = `区${idNumber.slice(-4)}`,
	withReference = true
) => ({
	...(withReference ? { referencePhoto: manReferencePhoto() } : {}),
	idNumber,
	name: '接口测试',
	sex: '女',
	ethnicity: '汉',
	// newIdNumber's women: born in 1995 on the 15th, the month varying.
	birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
	address: '湖北省武汉市',
	phone: '13900000000',
	major: '法学',
	examArea,
	province: 'hubei'
});

/** Signs in as the seeded admin; returns the cookie header. */
export async function adminCookie(origin: string): Promise<string> {
	const r = await fetch(`${origin}/api/staff/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD })
	});
	if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
	return r.headers.get('set-cookie')!.split(';')[0];
}

/** Registers records in requests of 5: with their reference photos (~170 kB each in base64) a request stays under 1 MB. */
export async function registerOverHttp(origin: string, candidates: object[]): Promise<void> {
	for (let i = 0; i < candidates.length; i += 5) {
		const r = await fetch(`${origin}/api/registration/candidates`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
			body: JSON.stringify({ candidates: candidates.slice(i, i + 5) })
		});
		if (!r.ok) throw new Error(`register failed: ${r.status} ${await r.text()}`);
	}
}

export interface PhoneSession {
	sessionId: string;
	form: () => FormData;
	/** What the phone holds, for signing other requests (attempt reports, extensions). */
	province: string;
	challenge: BundlePayload['challenge'];
	idNumber: string;
	privateKey: CryptoKey;
}

export interface OpenedPhone {
	sessionId: string;
	province: string;
	challenge: BundlePayload['challenge'];
	idNumber: string;
	privateKey: CryptoKey;
	/** The candidate's counted failures so far (any session) and the province's limit, as the phone is told. */
	attempts: { failures: number; max: number | null };
}

/** Kiosk-starts a session for the candidate: the phone link's token. */
export async function startLink(origin: string, cookie: string, idNumber: string): Promise<string> {
	const started = await fetch(`${origin}/api/kiosk/sessions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ idNumber })
	});
	if (!started.ok) throw new Error(`start failed: ${started.status} ${await started.text()}`);
	const { link } = (await started.json()) as { link: string };
	return link.split('/m/')[1];
}

/**
 * Kiosk-starts a session and opens the phone link with a fresh device key, as the phone does: what any client,
 * honest or scripted, holds before it signs a bundle. `forwardedFor` is the phone's address as a proxy in front of
 * the server reports it (a server started with ADDRESS_HEADER).
 */
export async function openPhone(
	origin: string,
	cookie: string,
	idNumber: string,
	forwardedFor?: string
): Promise<OpenedPhone> {
	const token = await startLink(origin, cookie, idNumber);
	const keys = await generateDeviceKey();
	const opened = await fetch(`${origin}/api/phone/open`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {})
		},
		body: JSON.stringify({ token, publicKey: await exportPublicKey(keys.publicKey) })
	});
	if (!opened.ok) throw new Error(`open failed: ${opened.status} ${await opened.text()}`);
	const o = (await opened.json()) as {
		sessionId: string;
		province: string;
		challenge: BundlePayload['challenge'];
		record: { idNumber: string };
		attempts: { failures: number; max: number | null };
	};
	return {
		sessionId: o.sessionId,
		province: o.province,
		challenge: o.challenge,
		idNumber: o.record.idNumber,
		privateKey: keys.privateKey,
		attempts: o.attempts
	};
}

/** Every step the province requires, each claiming to have passed: record and photo first (tests mutate steps[1]). */
export function passingSteps(province: string): StepResult[] {
	const pass = (kind: StepResult['kind']): StepResult => ({
		kind,
		passed: true,
		scores: kind === 'photo' ? { similarity: 0.8 } : kind === 'liveness' ? { idPortraitSimilarity: 0.7 } : {},
		reasons: [],
		models: [],
		details: {}
	});
	const required = requiredBundleSteps(getPolicy(province)) as StepResult['kind'][];
	return [
		pass('record'),
		pass('photo'),
		...required.filter((k) => k !== 'record' && k !== 'photo').map(pass)
	];
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A bundle for an opened session that claims every step passed (`steps` may rewrite them), signed with the
 * session's key and naming the files by sha256; `form()` gives the multipart body the phone posts.
 */
export async function signedSubmission(
	o: OpenedPhone,
	files: {
		photo?: Uint8Array;
		signature?: Uint8Array;
		/** Liveness evidence crops with the moments they claim (policy liveness.evidence 'frames'). */
		evidence?: { moment: string; jpeg: Uint8Array }[];
	},
	steps: (passed: StepResult[]) => StepResult[] = (passed) => passed
): Promise<() => FormData> {
	const { photo, signature, evidence } = files;
	const payload: BundlePayload = {
		version: 1,
		sessionId: o.sessionId,
		challenge: o.challenge,
		candidate: { idNumber: o.idNumber },
		signedAt: new Date().toISOString(),
		steps: steps(passingSteps(o.province)),
		attachments: {
			...(photo ? { photoSha256: sha256Hex(photo) } : {}),
			...(signature ? { signatureSha256: sha256Hex(signature) } : {}),
			...(evidence
				? { evidence: evidence.map((e) => ({ moment: e.moment, sha256: sha256Hex(e.jpeg) })) }
				: {})
		},
		device: {}
	};
	const bundle = JSON.stringify(await signBundle(payload, o.privateKey));
	return () => {
		const f = new FormData();
		f.set('bundle', bundle);
		if (photo) f.set('photo', new Blob([photo as BlobPart], { type: 'image/jpeg' }), 'photo.jpg');
		if (signature)
			f.set('signature', new Blob([signature as BlobPart], { type: 'image/png' }), 'signature.png');
		for (const [i, e] of (evidence ?? []).entries())
			f.append('evidence', new Blob([e.jpeg as BlobPart], { type: 'image/jpeg' }), `evidence-${i}.jpg`);
		return f;
	};
}

/** Kiosk-starts a session, opens the phone link with a fresh device key and signs a passing bundle. */
export async function preparePhone(
	origin: string,
	cookie: string,
	idNumber: string,
	photo?: Uint8Array,
	forwardedFor?: string
): Promise<PhoneSession> {
	const o = await openPhone(origin, cookie, idNumber, forwardedFor);
	// The signature the province requires goes with the bundle, as the phone's signature pad exports it.
	const signature = getPolicy(o.province).signatureRequired ? TEST_SIGNATURE : undefined;
	return { ...o, form: await signedSubmission(o, { photo, signature }) };
}

/** One page of the registration system's outcome poll. */
export interface OutcomePoll {
	events: PolledEvent[];
	next: number;
	/** Confirmations the server holds for their duplicate sweep. */
	held: number;
}

/** One poll of GET /api/registration/outcomes, as the registration system makes it. */
export async function pollOutcomes(origin: string, since = 0, limit = 500): Promise<OutcomePoll> {
	const r = await fetch(`${origin}/api/registration/outcomes?since=${since}&limit=${limit}`, {
		headers: { authorization: `Bearer ${REGISTRATION_TOKEN}` }
	});
	if (!r.ok) throw new Error(`poll failed: ${r.status} ${await r.text()}`);
	return (await r.json()) as OutcomePoll;
}

/**
 * Every outcome event, once the server holds no confirmation for its duplicate sweep (which runs every few
 * seconds): what the registration system has in the end.
 */
export async function releasedOutcomeEvents(
	origin: string,
	timeoutMs = 30_000
): Promise<OutcomePoll['events']> {
	const events: OutcomePoll['events'] = [];
	let since = 0;
	for (let waited = 0; ;) {
		const page = await pollOutcomes(origin, since);
		events.push(...page.events);
		since = page.next;
		if (page.events.length === 500) continue;
		if (page.held === 0) return events;
		if (waited > timeoutMs) throw new Error(`${page.held} confirmation(s) still held after ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 500));
		waited += 500;
	}
}
