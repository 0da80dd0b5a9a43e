// The authenticator code in the services, on a clock the test sets: turning it on ends the other sessions; a
// sign-in's code is taken once and only in its window; every refusal is audited as a failed sign-in; an admin turns
// it off for a lost phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { updateStaff } from '../../src/lib/server/services/staff-accounts.ts';
import {
	confirmSecondFactor,
	pendingSecondFactor,
	startSecondFactor
} from '../../src/lib/server/services/staff-self.ts';
import { createStaff, login, staffFromToken } from '../../src/lib/server/services/staff.ts';
import { TOTP_STEP_MS, totpAt, totpStep } from '../../src/lib/server/totp.ts';
import { testDatabase, type TestDatabase } from './db.ts';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

let serial = 0;
async function enrolled(now: Date) {
	const password = `factor password ${++serial}`;
	const user = await createStaff(db, {
		username: `factor-${serial}`,
		role: 'reviewer',
		password,
		province: 'hubei'
	});
	const here = await login(db, user.username, password, '10.3.0.1', now);
	const elsewhere = await login(db, user.username, password, '10.3.0.2', now);
	const { secret } = await startSecondFactor(db, user);
	expect(await pendingSecondFactor(db, user)).toMatchObject({ secret });
	const code = totpAt(secret, totpStep(now));
	const answer = await confirmSecondFactor(
		db,
		user,
		here.token,
		{ current: password, code },
		'10.3.0.1',
		now
	);
	expect(answer).toEqual({ endedSessions: 1 });
	expect(await staffFromToken(db, elsewhere.token, now)).toBeNull();
	expect(await staffFromToken(db, here.token, now)).toMatchObject({ secondFactor: true });
	expect(await pendingSecondFactor(db, user)).toBeNull();
	return { user, password, secret };
}

const failedLogins = async (username: string) =>
	(
		await db.selectFrom('audit_log').select('detail').where('action', '=', 'staff.login_failed').execute()
	).filter((r) => JSON.stringify(r.detail).includes(`"${username}"`)).length;

describe(`the authenticator code (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('takes a code in its window once, and audits each refusal as a failed sign-in', async () => {
		const now = new Date(Math.floor(Date.now() / TOTP_STEP_MS) * TOTP_STEP_MS + 10_000);
		const { user, password, secret } = await enrolled(now);
		const at = (steps: number) => totpAt(secret, totpStep(now) + steps);
		const refused = { status: 401, code: 'bad_login' };
		// The confirming code is taken: it signs nobody in.
		await expect(login(db, user.username, password, '10.3.0.3', now, at(0))).rejects.toMatchObject(refused);
		await expect(login(db, user.username, password, '10.3.0.3', now, '')).rejects.toMatchObject(refused);
		await expect(login(db, user.username, password, '10.3.0.3', now, at(2))).rejects.toMatchObject(refused);
		const later = new Date(now.getTime() + TOTP_STEP_MS);
		await expect(login(db, user.username, password, '10.3.0.3', later, at(1))).resolves.toMatchObject({
			user: { id: user.id, secondFactor: true }
		});
		await expect(login(db, user.username, password, '10.3.0.4', later, at(1))).rejects.toMatchObject(refused);
		// An earlier code than the last taken is refused even inside the window.
		await expect(login(db, user.username, password, '10.3.0.4', later, at(0))).rejects.toMatchObject(refused);
		expect(await failedLogins(user.username)).toBe(5);
	});

	it('an admin turns it off: the sessions end and the password alone signs in again', async () => {
		const now = new Date();
		const { user, password } = await enrolled(now);
		const admin = await createStaff(db, {
			username: `factor-admin-${serial}`,
			role: 'admin',
			password: 'factor admin password',
			province: 'hubei'
		});
		const cleared = await updateStaff(db, user.id, { clearSecondFactor: true }, admin);
		expect(cleared.secondFactor).toBe(false);
		await expect(login(db, user.username, password, '10.3.0.5', now)).resolves.toMatchObject({
			user: { id: user.id, secondFactor: false }
		});
		const audited = await db
			.selectFrom('audit_log')
			.select('detail')
			.where('action', '=', 'staff.update')
			.where('actor', '=', `staff:${admin.id}`)
			.executeTakeFirstOrThrow();
		expect(audited.detail).toMatchObject({ secondFactorCleared: true });
	});
});
