// What a signed-in staff member does with their own account: change its password, end its other sessions. A
// password someone else learnt, or a session left open on a shared computer, stops working at once, without an
// admin disabling the account.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { hashPassword } from '../passwords.ts';
import { ServiceError } from './errors.ts';
import { checkNewPassword, checkStaffPassword, type StaffUser } from './staff.ts';
import { hashSecret } from './tokens.ts';

const wrongCurrent = () =>
	new ServiceError(403, 'wrong_password', '当前密码不正确', 'The current password is not right.');

/** Ends every session of `user` but the one holding `token`; how many ended. */
async function endSessionsBut(db: Db, user: StaffUser, token: string): Promise<number> {
	const ended = await db
		.deleteFrom('staff_sessions')
		.where('user_id', '=', user.id)
		.where('token_hash', '!=', hashSecret(token))
		.returning('token_hash')
		.execute();
	return ended.length;
}

/**
 * Sets a new password once the current one is given (a stolen session alone cannot take the account over), and
 * ends every other session: whoever signed in with the old password is signed out.
 */
export async function changeOwnPassword(
	db: Db,
	user: StaffUser,
	token: string,
	passwords: { current: string; next: string },
	client: string,
	now = new Date()
): Promise<{ endedSessions: number }> {
	checkNewPassword(passwords.next);
	if (passwords.next === passwords.current)
		throw new ServiceError(
			400,
			'same_password',
			'新密码不能与当前密码相同',
			'The new password must differ from the current one.'
		);
	await checkStaffPassword(
		db,
		user.username,
		passwords.current,
		client,
		now,
		'staff.password_change_failed',
		wrongCurrent
	);
	const hash = await hashPassword(passwords.next);
	return db.transaction().execute(async (trx) => {
		await trx.updateTable('staff_users').set({ password_hash: hash }).where('id', '=', user.id).execute();
		const endedSessions = await endSessionsBut(trx, user, token);
		await audit(trx, {
			actor: `staff:${user.id}`,
			action: 'staff.password_change',
			detail: { endedSessions }
		});
		return { endedSessions };
	});
}

/** Signs the account out everywhere but here (a computer left signed in, a session someone else holds). */
export async function endOtherSessions(
	db: Db,
	user: StaffUser,
	token: string
): Promise<{ endedSessions: number }> {
	const endedSessions = await endSessionsBut(db, user, token);
	await audit(db, { actor: `staff:${user.id}`, action: 'staff.sessions_end', detail: { endedSessions } });
	return { endedSessions };
}
