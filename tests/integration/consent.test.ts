// The consent record, on PGlite and (DATABASE_URL) PostgreSQL: the audit row names the document versions the
// candidate accepted; outdated versions, another device's signature and a finished session are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentVersions } from '../../src/lib/core/documents/index.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { CONSENT_ACTION, recordConsent } from '../../src/lib/server/services/consent.ts';
import { requestReview, reportAttempt } from '../../src/lib/server/services/phone-requests.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step } from './support.ts';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

const consentRows = (sessionId: string) =>
	db
		.selectFrom('audit_log')
		.select(['detail', 'candidate_id'])
		.where('session_id', '=', sessionId)
		.where('action', '=', CONSENT_ACTION)
		.execute();

describe(`consent record (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('records the versions accepted in one audit row; a resent consent adds none', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		const signed = await s.consent(currentVersions());
		const answer = await recordConsent(db, s.opened.sessionId, signed);
		expect(answer).toEqual({ versions: currentVersions(), faceProcessing: true });
		await recordConsent(db, s.opened.sessionId, signed);
		const rows = await consentRows(s.opened.sessionId);
		expect(rows).toHaveLength(1);
		expect(rows[0].detail).toEqual({ versions: currentVersions(), faceProcessing: true });
		expect(rows[0].candidate_id).not.toBeNull();
	});

	it('refuses versions no longer in force, so the phone asks again', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		const old = { ...currentVersions(), privacy: '2020-01-01' };
		await expect(recordConsent(db, s.opened.sessionId, await s.consent(old))).rejects.toMatchObject({
			status: 409,
			code: 'documents_changed'
		});
		expect(await consentRows(s.opened.sessionId)).toHaveLength(0);
	});

	it('refuses a consent signed by another device, and one for a finished session', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		const other = await openSession(db, (await registerCandidate(db)).idNumber);
		const forged = await other.consent(currentVersions());
		forged.payload.sessionId = s.opened.sessionId;
		await expect(recordConsent(db, s.opened.sessionId, forged)).rejects.toMatchObject({ status: 400 });
		await reportAttempt(db, s.opened.sessionId, await s.attempt(1, step('photo', false)));
		await requestReview(db, s.opened.sessionId, await s.review());
		await expect(
			recordConsent(db, s.opened.sessionId, await s.consent(currentVersions()))
		).rejects.toMatchObject({ code: 'already_recorded' });
		expect(await consentRows(s.opened.sessionId)).toHaveLength(0);
	});
});
