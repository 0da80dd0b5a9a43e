// What an admin does with existing staff accounts: list those of its province, move one to another province (a
// national admin only), disable or enable one, set a new password for one, turn off its authenticator code (a lost
// phone). The account's sessions end at once
// on any of these, so a lost kiosk tablet or a departed reviewer stops working now, not when the cookie expires.
import type { Db } from '../db/index.ts';
import { inProvince } from '../db/province-scope.ts';
import { audit } from '../audit.ts';
import { ServiceError } from './errors.ts';
import { hashPassword } from '../passwords.ts';
import {
	checkAccountProvince,
	checkNewPassword,
	provinceOf,
	requireProvince,
	staffUser,
	type StaffUser
} from './staff.ts';

export interface StaffAccount extends StaffUser {
	disabled: boolean;
	createdAt: string;
}

/** The columns an account is read with, and how such a row becomes one. */
const ACCOUNT_COLUMNS = [
	'id',
	'username',
	'role',
	'province',
	'exam_area',
	'disabled',
	'created_at',
	'totp_secret'
] as const;
type AccountRow = Parameters<typeof staffUser>[0] & { disabled: boolean; created_at: Date | string };
const staffAccount = (row: AccountRow): StaffAccount => ({
	...staffUser(row),
	disabled: row.disabled,
	createdAt: new Date(row.created_at).toISOString()
});

/** The accounts `actor` administers: its province's, or every account for a national admin. */
export async function listStaff(db: Db, actor: StaffUser): Promise<StaffAccount[]> {
	const province = provinceOf(actor);
	const rows = await db
		.selectFrom('staff_users')
		.select(ACCOUNT_COLUMNS)
		.where((eb) => inProvince(eb, 'province', province))
		.orderBy('id')
		.execute();
	return rows.map(staffAccount);
}

export interface StaffChange {
	province?: string;
	disabled?: boolean;
	/** A new password for an account whose user forgot theirs (they should change it once signed in). */
	password?: string;
	/** Turns the account's authenticator code off (a lost phone): it signs in with the password and sets up anew. */
	clearSecondFactor?: boolean;
}

const noAccount = () => new ServiceError(404, 'no_account', '没有这个账号', 'No such staff account.');

/**
 * Changes another account's province, disabled state, password or authenticator code. An admin never changes its own account here
 * (it could not undo a lock-out), and a province admin never sees accounts of another province (they answer "no
 * account").
 */
export async function updateStaff(
	db: Db,
	id: number,
	change: StaffChange,
	actor: StaffUser
): Promise<StaffAccount> {
	if (id === actor.id)
		throw new ServiceError(
			400,
			'own_account',
			'不能修改自己的账号',
			'You cannot change your own account; ask another admin.'
		);
	if (change.password !== undefined) checkNewPassword(change.password);
	const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
	return db.transaction().execute(async (trx) => {
		const before = await trx
			.selectFrom('staff_users')
			.select(ACCOUNT_COLUMNS)
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!before) throw noAccount();
		try {
			requireProvince(actor, before.province);
		} catch {
			throw noAccount();
		}
		const province = change.province ?? before.province;
		const disabled = change.disabled ?? before.disabled;
		if (province !== before.province) checkAccountProvince(actor, before.role, province);
		const clearFactor = change.clearSecondFactor === true && before.totp_secret !== null;
		const after = await trx
			.updateTable('staff_users')
			.set({
				province,
				disabled,
				...(passwordHash ? { password_hash: passwordHash } : {}),
				...(clearFactor ? { totp_secret: null, totp_pending: null, totp_last_step: null } : {})
			})
			.where('id', '=', id)
			.returning(ACCOUNT_COLUMNS)
			.executeTakeFirstOrThrow();
		// Sessions end on any change: a moved account signs in again into its new province's work, and a new
		// password signs out whoever held the old one; so does turning the authenticator code off.
		if (province !== before.province || disabled !== before.disabled || passwordHash || clearFactor)
			await trx.deleteFrom('staff_sessions').where('user_id', '=', id).execute();
		await audit(trx, {
			actor: `staff:${actor.id}`,
			action: 'staff.update',
			detail: {
				username: before.username,
				from: { province: before.province, disabled: before.disabled },
				to: { province, disabled },
				...(passwordHash ? { passwordReset: true } : {}),
				...(clearFactor ? { secondFactorCleared: true } : {})
			}
		});
		return staffAccount(after);
	});
}
