// The scripted client of the security tests: it opens a session the way the product offers, registers a key of its
// own making and signs whatever it likes. Everything it sends is well-formed and correctly signed; only the server's
// own evidence can tell it from an honest phone.
import sharp from 'sharp';
import type { StepResult } from '../../src/lib/core/bundle/schema.ts';
import { colourSequence } from '../../src/lib/core/liveness/colour.ts';
import { evidenceMoments } from '../../src/lib/core/liveness/evidence.ts';
import type { Challenge as LivenessChallenge } from '../../src/lib/core/liveness/types.ts';
import {
	openPhone,
	releasedOutcomeEvents,
	type OpenedPhone,
	REGISTRATION_TOKEN,
	signedSubmission
} from '../integration/server-process.ts';
import { birthOf, newIdNumber } from '../integration/support.ts';

export { inkedSignature } from '../integration/support.ts';

import type { ReferenceSource } from '../../src/lib/server/services/reference-photos.ts';

export type { ReferenceSource };

const REGIONS: Record<string, string> = { hubei: '420102', beijing: '110105', fujian: '350102' };

/** The registration record of a fictional candidate, each in an exam area of its own. */
export const candidateRecord = (idNumber: string, province: string) => ({
	idNumber,
	name: '安全测试',
	sex: '女' as const,
	ethnicity: '汉',
	birthDate: birthOf(idNumber),
	address: '测试地址1号',
	phone: '13900000000',
	major: '法学',
	examArea: `区${idNumber.slice(-5)}`,
	province
});

/**
 * Registers a candidate of `province`, with a reference photo when one is given. Returns the ID number. (A server
 * that does not know reference photos ignores the field: the forgery then meets the server as it is.)
 */
export async function registerCandidate(
	origin: string,
	province: string,
	reference?: { jpeg: Uint8Array; source: ReferenceSource }
): Promise<string> {
	const idNumber = newIdNumber(REGIONS[province]);
	const record = {
		...candidateRecord(idNumber, province),
		...(reference
			? { referencePhoto: { source: reference.source, jpeg: Buffer.from(reference.jpeg).toString('base64') } }
			: {})
	};
	const r = await fetch(`${origin}/api/registration/candidates`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
		body: JSON.stringify({ candidates: [record] })
	});
	if (!r.ok) throw new Error(`register failed: ${r.status} ${await r.text()}`);
	return idNumber;
}

export interface Forgery {
	photo?: Uint8Array;
	signature?: Uint8Array;
	/**
	 * Liveness evidence crops (policy liveness.evidence 'frames'), listed at the moments the challenge's nonce picks
	 * unless `moments` says otherwise.
	 */
	evidence?: Uint8Array[];
	moments?: string[];
	/**
	 * Crops made once the session's nonce is known (the colour challenge's flashes are lit by its sequence),
	 * listed at the nonce's moments with a crop per flash of the sequence after them.
	 */
	colourEvidence?: (nonce: string) => Promise<Uint8Array[]>;
	/** Rewrites the all-passed steps before signing (inflated scores, …). */
	steps?: (steps: StepResult[]) => StepResult[];
}

export interface Answer {
	status: number;
	body: {
		outcome?: string;
		duplicate?: boolean;
		admissionNumber?: string;
		password?: string;
		reasons?: { code: string; zh: string; en: string }[];
		attempts?: { failures: number; max: number | null; next: readonly string[] | null };
		error?: { code: string; zh: string; en: string };
	};
}

/** A signed forgery on a fresh session, ready to send (and to send again, byte for byte, as a phone retries). */
export async function prepareForgery(
	origin: string,
	cookie: string,
	idNumber: string,
	f: Forgery = {}
): Promise<{ send: () => Promise<Answer>; phone: OpenedPhone }> {
	const opened = await openPhone(origin, cookie, idNumber);
	const { nonce } = opened.challenge;
	const moments =
		f.moments ??
		evidenceMoments(
			nonce,
			opened.challenge.liveness as LivenessChallenge | undefined,
			undefined,
			f.colourEvidence ? colourSequence(nonce).length : 0
		);
	const crops = f.colourEvidence ? await f.colourEvidence(nonce) : f.evidence;
	const evidence = crops?.map((jpeg, i) => ({ moment: moments[i] ?? `at:${i}`, jpeg }));
	const form = await signedSubmission(opened, { ...f, evidence }, f.steps);
	return {
		phone: opened,
		send: async () => {
			const r = await fetch(`${origin}/api/phone/submit`, {
				method: 'POST',
				body: form(),
				headers: { origin }
			});
			return { status: r.status, body: (await r.json()) as Answer['body'] };
		}
	};
}

/** One scripted verification: a fresh session, a bundle claiming every step passed, signed, and posted. */
export async function forge(
	origin: string,
	cookie: string,
	idNumber: string,
	f: Forgery = {}
): Promise<Answer> {
	return (await prepareForgery(origin, cookie, idNumber, f)).send();
}

/**
 * The candidate's counted failures and limit, as a new phone session is told them (it ends the session before it:
 * call it last).
 */
export async function attemptsOf(origin: string, cookie: string, idNumber: string) {
	return (await openPhone(origin, cookie, idNumber)).attempts;
}

/**
 * The outcome events the registration system reads for one ID number: what was recorded, and how often (once the
 * server holds no confirmation for its duplicate sweep, so every one recorded is in).
 */
export async function outcomeEventsOf(origin: string, idNumber: string): Promise<{ result: string }[]> {
	return (await releasedOutcomeEvents(origin)).filter((e) => e.idNumber === idNumber);
}

/** A new staff account of `role` for `province`, created by the national admin (`admin`'s cookie), signed in. */
/** The password staffAccount gives an account of `role` and `province`: what its holder types again at the desk. */
export const staffPassword = (role: 'reviewer' | 'kiosk' | 'office', province: string) =>
	`${role} ${province} password`;

export async function staffAccount(
	origin: string,
	admin: string,
	role: 'reviewer' | 'kiosk' | 'office',
	province: string
): Promise<string> {
	const username = `${role}-${province}-${Math.floor(Math.random() * 1e9)}`;
	const password = staffPassword(role, province);
	const created = await fetch(`${origin}/api/staff/users`, {
		method: 'POST',
		headers: { cookie: admin, 'content-type': 'application/json', origin },
		body: JSON.stringify({ username, role, password, province })
	});
	if (created.status !== 201) throw new Error(`account not created: ${await created.text()}`);
	const login = await fetch(`${origin}/api/staff/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin },
		body: JSON.stringify({ username, password })
	});
	if (login.status !== 200) throw new Error(`account not signed in: ${login.status}`);
	return login.headers.get('set-cookie')!.split(';')[0];
}

/** A PNG of the signature pad left untouched: white, no ink. */
export async function blankSignature(): Promise<Uint8Array> {
	return new Uint8Array(
		await sharp({ create: { width: 600, height: 200, channels: 4, background: '#ffffff' } })
			.png()
			.toBuffer()
	);
}
