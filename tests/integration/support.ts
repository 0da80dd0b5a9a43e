// Shared steps of the integration tests: registering candidates, opening a phone session, signing bundles.
import type { AttemptPayload, ExtendPayload, ReviewPayload } from '../../src/lib/core/bundle/request.ts';
import type { BundlePayload, Challenge, StepResult } from '../../src/lib/core/bundle/schema.ts';
import {
	exportPublicKey,
	generateDeviceKey,
	signBundle,
	signPayload
} from '../../src/lib/core/bundle/sign.ts';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import { requiredBundleSteps } from '../../src/lib/server/policy.ts';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { openPhoneLink, startSession } from '../../src/lib/server/services/sessions.ts';
import { upsertCandidate } from '../../src/lib/server/services/registration.ts';
import type { CandidateInput } from '../../src/lib/server/validation/candidate.ts';

let serial = Math.floor(Math.random() * 900) + 100;

/** A fresh valid ID number (real check character) for a fictional woman born in 1995 on the 15th. */
export function newIdNumber(region = '420102'): string {
	const n = serial++;
	const month = String((Math.floor(n / 500) % 12) + 1).padStart(2, '0');
	const sequence = String(Math.floor((n % 500) / 5)).padStart(2, '0') + String((n % 5) * 2);
	const first17 = `${region}1995${month}15${sequence}`;
	return first17 + checkCharacter(first17);
}

/** The birth date a number encodes ('YYYY-MM-DD'): a record must agree with its number. */
export const birthOf = (idNumber: string) =>
	`${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;

export async function registerCandidate(
	db: Db,
	overrides: Partial<CandidateInput> = {}
): Promise<CandidateInput> {
	const idNumber = overrides.idNumber ?? newIdNumber();
	const record: CandidateInput = {
		idNumber,
		name: '测试考生',
		sex: '女',
		ethnicity: '汉',
		birthDate: birthOf(idNumber),
		address: '湖北省武汉市江岸区测试路1号',
		phone: '13900000000',
		major: '计算机科学与技术（本科）',
		examArea: '武汉市江岸区',
		province: 'hubei',
		...overrides
	};
	await upsertCandidate(db, record, 'test');
	return record;
}

export async function openSession(db: Db, idNumber: string, now = new Date()) {
	const started = await startSession(db, idNumber, now);
	const keys = await generateDeviceKey();
	const opened = await openPhoneLink(db, started.token, await exportPublicKey(keys.publicKey), now);
	const required = requiredBundleSteps(getPolicy(opened.province));
	// The challenge the phone holds: replaced by the answer of an extension, as the phone does.
	let challenge: Challenge = opened.challenge;
	const base = () => ({
		version: 1 as const,
		sessionId: opened.sessionId,
		challenge,
		signedAt: new Date().toISOString()
	});
	/** Exactly these steps (to test what a bundle that leaves a step out gets). */
	const exactPayload = (
		steps: StepResult[],
		attachments: BundlePayload['attachments'] = {}
	): BundlePayload => ({
		...base(),
		candidate: { idNumber: opened.record.idNumber },
		steps,
		attachments,
		device: {}
	});
	/**
	 * The steps a test is about, completed with passing steps of every other kind the province requires, so each
	 * test states only what it checks (the server refuses a bundle that leaves a required step out).
	 */
	const payload = (steps: StepResult[], attachments: BundlePayload['attachments'] = {}): BundlePayload => {
		const given = new Set(steps.map((s) => s.kind));
		const filled = required
			.filter((k) => !given.has(k as StepResult['kind']))
			.map((k) => step(k as StepResult['kind']));
		return exactPayload([...filled, ...steps], attachments);
	};
	const sign = (p: BundlePayload) => signBundle(p, keys.privateKey);
	/** A signed report of a failed step (POST /api/phone/attempt). */
	const attempt = (n: number, failed: StepResult) =>
		signPayload<AttemptPayload>(
			{
				...base(),
				type: 'attempt',
				candidate: { idNumber: opened.record.idNumber },
				attempt: n,
				step: failed
			},
			keys.privateKey
		);
	/** A signed extension request (POST /api/phone/challenge/extend). */
	const extend = (n: number) =>
		signPayload<ExtendPayload>({ ...base(), type: 'extend', extension: n }, keys.privateKey);
	/** A signed request for a manual review (POST /api/phone/review). */
	const review = () =>
		signPayload<ReviewPayload>(
			{ ...base(), type: 'review', candidate: { idNumber: opened.record.idNumber } },
			keys.privateKey
		);
	const useChallenge = (next: Challenge) => (challenge = next);
	return { started, keys, opened, payload, exactPayload, sign, attempt, extend, review, useChallenge };
}

/** A step result; a passed liveness step carries the ID-portrait similarity a phone measures (else: review). */
export const step = (
	kind: StepResult['kind'],
	passed = true,
	scores: Record<string, number> = kind === 'liveness' && passed ? { idPortraitSimilarity: 0.7 } : {},
	models: StepResult['models'] = []
): StepResult => ({
	kind,
	passed,
	scores,
	reasons: passed ? [] : ['test_failure'],
	models,
	details: {}
});

export async function countRows(
	db: Db,
	table: 'outcomes' | 'attachments' | 'sms_outbox' | 'outcome_events',
	where?: { sessionId?: string }
) {
	let q = db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
	if (where?.sessionId && table === 'outcomes')
		q = q.where('session_id' as never, '=', where.sessionId as never);
	return Number((await q.executeTakeFirstOrThrow()).n);
}
