// A staff member's own account: changing its password (the current one required, guessed no faster than at
// sign-in) and ending its other sessions; an admin giving another account a new password. Each ends the sessions
// that held the old password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { updateStaff } from '../../src/lib/server/services/staff-accounts.ts';
import { changeOwnPassword, endOtherSessions } from '../../src/lib/server/services/staff-self.ts';
import { createStaff, login, staffFromToken, type StaffUser } from '../../src/lib/server/services/staff.ts';
import { testDatabase, type TestDatabase } from './db.ts';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

/** An instant in the middle of a 15-minute window, so a run crossing a window's start counts in one. */
const midWindow = () => new Date(Math.floor(Date.now() / 900_000) * 900_000 + 450_000);

let serial = 0;
async function account(role: 'reviewer' | 'admin' = 'reviewer', province = 'hubei') {
	const password = `first password ${++serial}`;
	const user = await createStaff(db, { username: `self-${role}-${serial}`, role, password, province });
	return { user, password };
}

async function auditActions(user: StaffUser): Promise<string[]> {
	const rows = await db
		.selectFrom('audit_log')
		.select('action')
		.where('actor', '=', `staff:${user.id}`)
		.orderBy('id')
		.execute();
	return rows.map((r) => r.action);
}

describe(`a staff member's own account (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('a password change ends every other session, keeps this one, and the old password stops working', async () => {
		const { user, password } = await account();
		const here = await login(db, user.username, password, '10.1.0.1');
		const elsewhere = await login(db, user.username, password, '10.1.0.2');
		const answer = await changeOwnPassword(
			db,
			user,
			here.token,
			{ current: password, next: 'a brand new password' },
			'10.1.0.1'
		);
		expect(answer).toEqual({ endedSessions: 1 });
		expect(await staffFromToken(db, here.token)).toMatchObject({ id: user.id });
		expect(await staffFromToken(db, elsewhere.token)).toBeNull();
		await expect(login(db, user.username, password, '10.1.0.3')).rejects.toMatchObject({ code: 'bad_login' });
		await expect(login(db, user.username, 'a brand new password', '10.1.0.3')).resolves.toMatchObject({
			user: { id: user.id }
		});
		expect(await auditActions(user)).toContain('staff.password_change');
	});

	it('without the current password nothing changes, and wrong guesses count with sign-in failures', async () => {
		const { user, password } = await account();
		const stolen = await login(db, user.username, password, '10.2.0.1');
		const victim = await login(db, user.username, password, '10.2.0.2');
		const now = midWindow();
		const answers = [];
		for (let i = 0; i < 6; i++)
			answers.push(
				await changeOwnPassword(
					db,
					user,
					stolen.token,
					{ current: `guess ${i}`, next: 'the attacker password' },
					'10.2.0.1',
					now
				).catch((e: { code: string }) => e.code)
			);
		expect(answers).toEqual([...Array(5).fill('wrong_password'), 'rate_limited']);
		// The guesses were sign-in failures of this username and address: its sign-in is held too.
		await expect(login(db, user.username, password, '10.2.0.1', now)).rejects.toMatchObject({
			code: 'rate_limited'
		});
		expect(await staffFromToken(db, victim.token)).toMatchObject({ id: user.id });
		await expect(login(db, user.username, password, '10.2.0.2')).resolves.toMatchObject({
			user: { id: user.id }
		});
	});

	it('refuses a short new password and one equal to the current, uncounted', async () => {
		const { user, password } = await account();
		const here = await login(db, user.username, password, '10.3.0.1');
		await expect(
			changeOwnPassword(db, user, here.token, { current: password, next: 'short' }, '10.3.0.1')
		).rejects.toMatchObject({ status: 400, code: 'weak_password' });
		await expect(
			changeOwnPassword(db, user, here.token, { current: password, next: password }, '10.3.0.1')
		).rejects.toMatchObject({ status: 400, code: 'same_password' });
		await expect(login(db, user.username, password, '10.3.0.2')).resolves.toBeTruthy();
	});

	it('signing out on other devices ends every session but this one', async () => {
		const { user, password } = await account('admin');
		const here = await login(db, user.username, password, '10.4.0.1');
		const others = [
			await login(db, user.username, password, '10.4.0.2'),
			await login(db, user.username, password, '10.4.0.3')
		];
		const someoneElse = await account();
		const theirs = await login(db, someoneElse.user.username, someoneElse.password, '10.4.0.4');
		expect(await endOtherSessions(db, user, here.token)).toEqual({ endedSessions: 2 });
		expect(await staffFromToken(db, here.token)).toMatchObject({ id: user.id });
		for (const other of others) expect(await staffFromToken(db, other.token)).toBeNull();
		expect(await staffFromToken(db, theirs.token)).toMatchObject({ id: someoneElse.user.id });
		expect(await auditActions(user)).toContain('staff.sessions_end');
	});
});

describe(`an admin gives another account a new password (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it("ends the account's sessions; the old password stops working, the new one signs in; audited without it", async () => {
		const admin = await account('admin');
		const { user, password } = await account();
		const session = await login(db, user.username, password, '10.5.0.1');
		await updateStaff(db, user.id, { password: 'handed over in person' }, admin.user);
		expect(await staffFromToken(db, session.token)).toBeNull();
		await expect(login(db, user.username, password, '10.5.0.1')).rejects.toMatchObject({ code: 'bad_login' });
		await expect(login(db, user.username, 'handed over in person', '10.5.0.1')).resolves.toBeTruthy();
		const row = await db
			.selectFrom('audit_log')
			.select('detail')
			.where('actor', '=', `staff:${admin.user.id}`)
			.where('action', '=', 'staff.update')
			.executeTakeFirstOrThrow();
		expect(JSON.stringify(row.detail)).toContain('passwordReset');
		expect(JSON.stringify(row.detail)).not.toContain('handed over');
	});

	it("refuses a short password, its own account, and another province's account", async () => {
		const hubeiAdmin = await account('admin', 'hubei');
		const { user, password } = await account('reviewer', 'fujian');
		await expect(
			updateStaff(db, user.id, { password: 'a fine long password' }, hubeiAdmin.user)
		).rejects.toMatchObject({ status: 404, code: 'no_account' });
		const hubeiReviewer = await account('reviewer', 'hubei');
		await expect(
			updateStaff(db, hubeiReviewer.user.id, { password: 'short' }, hubeiAdmin.user)
		).rejects.toMatchObject({ status: 400, code: 'weak_password' });
		await expect(
			updateStaff(db, hubeiAdmin.user.id, { password: 'a fine long password' }, hubeiAdmin.user)
		).rejects.toMatchObject({ status: 400, code: 'own_account' });
		await expect(login(db, user.username, password, '10.6.0.1')).resolves.toBeTruthy();
		await expect(
			login(db, hubeiReviewer.user.username, hubeiReviewer.password, '10.6.0.1')
		).resolves.toBeTruthy();
	});
});
