// Shared steps of the integration tests: registering candidates, opening a phone session, signing bundles.
import type { BundlePayload, StepResult } from '../../src/lib/core/bundle/schema.ts';
import { exportPublicKey, generateDeviceKey, signBundle } from '../../src/lib/core/bundle/sign.ts';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { openPhoneLink, startSession } from '../../src/lib/server/services/sessions.ts';
import { upsertCandidate } from '../../src/lib/server/services/registration.ts';
import type { CandidateInput } from '../../src/lib/server/validation/candidate.ts';

let serial = Math.floor(Math.random() * 900) + 100;

/** A fresh valid ID number (real check character) for a fictional person. */
export function newIdNumber(region = '420102'): string {
	const n = serial++;
	const month = String((Math.floor(n / 1000) % 12) + 1).padStart(2, '0');
	const first17 = `${region}1995${month}15${String(n % 1000).padStart(3, '0')}`;
	return first17 + checkCharacter(first17);
}

export async function registerCandidate(
	db: Db,
	overrides: Partial<CandidateInput> = {}
): Promise<CandidateInput> {
	const record: CandidateInput = {
		idNumber: newIdNumber(),
		name: '测试考生',
		sex: '女',
		ethnicity: '汉',
		birthDate: '1995-01-01',
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
	const payload = (steps: StepResult[], attachments: BundlePayload['attachments'] = {}): BundlePayload => ({
		version: 1,
		sessionId: opened.sessionId,
		challenge: opened.challenge,
		candidate: { idNumber: opened.record.idNumber },
		signedAt: new Date().toISOString(),
		steps,
		attachments,
		device: {}
	});
	const sign = (p: BundlePayload) => signBundle(p, keys.privateKey);
	return { started, keys, opened, payload, sign };
}

export const step = (
	kind: StepResult['kind'],
	passed = true,
	scores: Record<string, number> = {},
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
