// What a signed-in staff member does with their own account: change its password, end its other sessions, turn its
// authenticator code on or off. A password someone else learnt, or a session left open on a shared computer, stops
// working at once, without an admin disabling the account.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { hashPassword } from '../passwords.ts';
import { ServiceError } from './errors.ts';
import { checkNewPassword, checkStaffPassword, takeCode, type StaffUser } from './staff.ts';
import { hashSecret } from './tokens.ts';
import { matchingStep, newTotpSecret, otpauthUri } from '../totp.ts';

/** The name an authenticator app lists the account under. */
const TOTP_ISSUER = 'Zikao Verify';

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

export interface SecondFactorSetup {
	/** The base32 secret, for typing into an app that cannot scan. */
	secret: string;
	/** The otpauth:// link the QR code holds. */
	uri: string;
}

const setupOf = (user: StaffUser, secret: string): SecondFactorSetup => ({
	secret,
	uri: otpauthUri(TOTP_ISSUER, user.username, secret)
});

const wrongCodeOrPassword = () =>
	new ServiceError(
		403,
		'wrong_password_or_code',
		'当前密码或动态验证码不正确',
		'The current password or the authenticator code is not right.'
	);

/** The secret being set up for `user`, to show again until it is confirmed; null when none is. */
export async function pendingSecondFactor(db: Db, user: StaffUser): Promise<SecondFactorSetup | null> {
	const row = await db
		.selectFrom('staff_users')
		.select(['totp_pending', 'totp_secret'])
		.where('id', '=', user.id)
		.executeTakeFirst();
	return row?.totp_pending && row.totp_secret === null ? setupOf(user, row.totp_pending) : null;
}

/** Draws a new secret to set up (replacing one not yet confirmed); nothing changes at sign-in until it is confirmed. */
export async function startSecondFactor(db: Db, user: StaffUser): Promise<SecondFactorSetup> {
	const secret = newTotpSecret();
	const row = await db
		.updateTable('staff_users')
		.set({ totp_pending: secret })
		.where('id', '=', user.id)
		.where('totp_secret', 'is', null)
		.returning('id')
		.executeTakeFirst();
	if (!row)
		throw new ServiceError(
			409,
			'second_factor_on',
			'动态验证码已启用；如需更换，请先停用',
			'The authenticator code is already on; turn it off first to set up another.'
		);
	await audit(db, { actor: `staff:${user.id}`, action: 'staff.second_factor_setup' });
	return setupOf(user, secret);
}

/**
 * Turns the pending secret on once a code from it and the current password are given (a stolen session alone
 * cannot tie the account to the thief's phone), and ends every other session, as a password change does: whoever
 * signed in with the password alone is signed out. Wrong attempts count as failed sign-ins.
 */
export async function confirmSecondFactor(
	db: Db,
	user: StaffUser,
	token: string,
	input: { current: string; code: string },
	client: string,
	now = new Date()
): Promise<{ endedSessions: number }> {
	await checkStaffPassword(
		db,
		user.username,
		input.current,
		client,
		now,
		'staff.second_factor_failed',
		wrongCodeOrPassword,
		async (row) => {
			const pending = row.totp_pending;
			const step = pending === null ? null : matchingStep(pending, input.code, now);
			if (pending === null || step === null) return false;
			// The code that confirmed it is taken: it cannot sign anyone in afterwards.
			const moved = await db
				.updateTable('staff_users')
				.set({ totp_secret: pending, totp_pending: null, totp_last_step: step })
				.where('id', '=', row.id)
				.where('totp_pending', '=', pending)
				.where('totp_secret', 'is', null)
				.returning('id')
				.executeTakeFirst();
			return moved !== undefined;
		}
	);
	const endedSessions = await endSessionsBut(db, user, token);
	await audit(db, {
		actor: `staff:${user.id}`,
		action: 'staff.second_factor_on',
		detail: { endedSessions }
	});
	return { endedSessions };
}

/** Turns the account's authenticator code off, given the current password and a current code. */
export async function removeSecondFactor(
	db: Db,
	user: StaffUser,
	input: { current: string; code: string },
	client: string,
	now = new Date()
): Promise<void> {
	const row = await checkStaffPassword(
		db,
		user.username,
		input.current,
		client,
		now,
		'staff.second_factor_failed',
		wrongCodeOrPassword,
		async (account) => account.totp_secret !== null && (await takeCode(db, account, input.code, now))
	);
	await db
		.updateTable('staff_users')
		.set({ totp_secret: null, totp_pending: null, totp_last_step: null })
		.where('id', '=', row.id)
		.execute();
	await audit(db, { actor: `staff:${user.id}`, action: 'staff.second_factor_off' });
}
