// Staff accounts (reviewer, kiosk operator, admin) with scrypt password hashes and database-backed sessions.
// The session cookie is httpOnly + SameSite=Strict; together with SvelteKit's origin check on form posts and
// non-GET requests this is the CSRF protection.
import { findPolicy } from '../../core/policy/index.ts';
import {
	ALL_PROVINCES,
	reaches,
	STAFF_PASSWORD_MIN,
	STAFF_USERNAME_PATTERN,
	type StaffRole
} from '../../core/staff-roles.ts';
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { config } from '../config.ts';
import { hashPassword, verifyPassword } from '../passwords.ts';
import { ServiceError } from './errors.ts';
import { releaseHits, reserveHits, type RateHit, type RateRule } from './rate-limit.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { matchingStep } from '../totp.ts';

export { ALL_PROVINCES, type StaffRole };

export interface StaffUser {
	id: number;
	username: string;
	role: StaffRole;
	/** The province whose records the account works on, or ALL_PROVINCES. */
	province: string;
	/** An office account of one exam area reads only that area's figures; null: the whole province. */
	examArea?: string | null;
	/** Whether signing in takes an authenticator code as well as the password (absent: it does not). */
	secondFactor?: boolean;
}

/** An account as the services pass it around, from its staff_users row. */
export function staffUser(row: {
	id: number;
	username: string;
	role: StaffRole;
	province: string;
	exam_area: string | null;
	totp_secret: string | null;
}): StaffUser {
	return {
		id: row.id,
		username: row.username,
		role: row.role,
		province: row.province,
		examArea: row.exam_area,
		secondFactor: row.totp_secret !== null
	};
}

/** Admins may do everything; other roles only their own work. */
export function hasRole(user: StaffUser, role: StaffRole): boolean {
	return user.role === 'admin' || user.role === role;
}

/** The province a listing is narrowed to for this account; null for a national account. */
export function provinceOf(user: StaffUser): string | null {
	return user.province === ALL_PROVINCES ? null : user.province;
}

/** Refuses a record of a province the account does not work on (a reviewer of one province, another's case). */
export function requireProvince(user: StaffUser, province: string): void {
	if (reaches(user.province, province)) return;
	throw new ServiceError(
		403,
		'other_province',
		'无权处理其他省份的数据',
		"Your account works only on its own province's records."
	);
}

/**
 * Which province an account of `role` may be given by `actor`: a province or ALL_PROVINCES, national only for an
 * admin, and an admin of one province gives its own province only (no way up to national reach, or out of it).
 */
export function checkAccountProvince(actor: StaffUser | null, role: StaffRole, province: string): void {
	if (province !== ALL_PROVINCES && !findPolicy(province))
		throw new ServiceError(400, 'unknown_province', '未知省份', `Unknown province "${province}".`);
	if (province === ALL_PROVINCES && role !== 'admin')
		throw new ServiceError(
			400,
			'province_required',
			'非管理员账号须指定省份',
			'Only an admin account works on every province; name the province of this account.'
		);
	if (actor && provinceOf(actor) !== null && actor.province !== province)
		throw new ServiceError(
			403,
			'other_province',
			'无权为其他省份创建账号',
			'An admin of one province creates accounts of that province only.'
		);
}

export interface NewStaff {
	username: string;
	role: StaffRole;
	password: string;
	province: string;
	/** An office account limited to one exam area of its province. */
	examArea?: string | null;
}

/** The rule every new staff password meets: at account creation, a change by its owner, a reset by an admin. */
export function checkNewPassword(password: string): void {
	if (password.length < STAFF_PASSWORD_MIN)
		throw new ServiceError(
			400,
			'weak_password',
			`密码至少 ${STAFF_PASSWORD_MIN} 个字符`,
			`A staff password needs at least ${STAFF_PASSWORD_MIN} characters.`
		);
}

/** Creates an account; `actor` is the admin creating it, null for the server's own bootstrap admin. */
export async function createStaff(
	db: Db,
	input: NewStaff,
	actor: StaffUser | null = null
): Promise<StaffUser> {
	const { username, role, password, province } = input;
	const examArea = input.examArea ?? null;
	checkAccountProvince(actor, role, province);
	// Only the dashboard narrows by exam area: on any other account the area would be shown and never enforced.
	if (examArea !== null && role !== 'office')
		throw new ServiceError(
			400,
			'exam_area_office_only',
			'只有考试机构账号可以限定考区',
			'Only an exam office account can be limited to an exam area.'
		);
	if (!STAFF_USERNAME_PATTERN.test(username))
		throw new ServiceError(
			400,
			'bad_username',
			'用户名须为 3-64 个字母、数字或 _ . -',
			'A username is 3-64 letters, digits, _ . or -.'
		);
	checkNewPassword(password);
	const row = await db
		.insertInto('staff_users')
		.values({ username, role, password_hash: await hashPassword(password), exam_area: examArea, province })
		.onConflict((oc) => oc.column('username').doNothing())
		.returning(['id', 'username', 'role', 'exam_area', 'province', 'totp_secret'])
		.executeTakeFirst();
	if (!row) throw new ServiceError(409, 'username_taken', '用户名已存在', 'This username is taken.');
	await audit(db, {
		actor: actor ? `staff:${actor.id}` : 'seed',
		action: 'staff.create',
		detail: { username, role, province, examArea }
	});
	return staffUser(row);
}

/** The dev/bootstrap admin from ZV_ADMIN_PASSWORD; nothing happens without it (no built-in password exists). */
export async function seedAdmin(db: Db): Promise<void> {
	if (!config.adminPassword) return;
	const exists = await db
		.selectFrom('staff_users')
		.select('id')
		.where('username', '=', config.adminUsername)
		.executeTakeFirst();
	if (!exists)
		await createStaff(db, {
			username: config.adminUsername,
			role: 'admin',
			password: config.adminPassword,
			province: ALL_PROVINCES
		});
}

/**
 * Failed sign-ins allowed per (username, address), in growing windows: after 5 in a minute the address waits for the
 * minute's end, after 10 in 15 minutes for that window's, after 30 in 4 hours for that. One address may also fail
 * 50 times in 15 minutes over all usernames (guessing usernames).
 */
export const LOGIN_FAILURE_RULES = [
	{ limit: 5, windowMs: 60_000 },
	{ limit: 10, windowMs: 15 * 60_000 },
	{ limit: 30, windowMs: 4 * 3_600_000 }
] as const satisfies readonly RateRule[];
const ADDRESS_FAILURE_RULE: RateRule = { limit: 50, windowMs: 15 * 60_000 };

function loginFailureHits(username: string, client: string, now: Date): RateHit[] {
	return [
		...LOGIN_FAILURE_RULES.map((rule) => ({
			key: `login-failed:${rule.windowMs}:${client}:${username}`,
			rule,
			now
		})),
		{ key: `login-failed:address:${client}`, rule: ADDRESS_FAILURE_RULE, now }
	];
}

// One answer for a wrong password and a missing or wrong code: it does not tell a password guesser it guessed right.
const badLogin = () =>
	new ServiceError(
		401,
		'bad_login',
		'用户名、密码或动态验证码错误',
		'Wrong username, password or authenticator code.'
	);

const readAccount = (db: Db, username: string) =>
	db.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst();
type StaffRow = NonNullable<Awaited<ReturnType<typeof readAccount>>>;

/**
 * Checks a password typed for `username` from `client`: at sign-in, and for a password change, so a stolen session
 * guesses the current password no faster than a sign-in form would. Only failures count, per username and address
 * (a stranger elsewhere cannot lock the real user out); each attempt holds a failure before its password is
 * checked (a burst is judged one by one) and a right one gives it back. Refuses with `refusal`, audited as
 * `failedAction`. `alsoRight`, when given, is a further check of the account the attempt must pass (the sign-in's
 * authenticator code): until it does, the failure stays held and the answer is the same as for a wrong password.
 */
export async function checkStaffPassword(
	db: Db,
	username: string,
	password: string,
	client: string,
	now: Date,
	failedAction: string,
	refusal: () => ServiceError,
	alsoRight: (row: StaffRow) => Promise<boolean> = async () => true
): Promise<StaffRow> {
	const failures = loginFailureHits(username, client, now);
	await reserveHits(db, failures);
	const row = await readAccount(db, username);
	// A missing user still costs one hash, so timing does not reveal which usernames exist.
	const ok = await verifyPassword(
		password,
		row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'
	);
	if (!row || !ok || row.disabled || !(await alsoRight(row))) {
		await audit(db, { actor: `client:${client}`, action: failedAction, detail: { username } });
		throw refusal();
	}
	await releaseHits(db, failures);
	return row;
}

const staffPasswordRequired = () =>
	new ServiceError(
		401,
		'staff_password_required',
		'请工作人员输入本人密码',
		'The staff member must type their own password.'
	);

/**
 * An action only the staff member at the desk may take (an on-site attestation) asks for their password again: a
 * kiosk tablet stays signed in all shift and a candidate may be left alone with it, so its cookie is not enough.
 * Wrong passwords count as failed sign-ins do, so a candidate at the tablet guesses no faster than at the form.
 */
export async function confirmStaffPresent(
	db: Db,
	staff: StaffUser,
	password: string,
	client: string,
	now = new Date()
): Promise<void> {
	await checkStaffPassword(
		db,
		staff.username,
		password,
		client,
		now,
		'staff.presence_failed',
		staffPasswordRequired
	);
}

/**
 * Takes an authenticator code for the account's confirmed secret (an account without one needs none): it must be
 * of a step after the last code taken, and the step is stored in the same conditional update, so one code read
 * over a shoulder, or sent by two parallel sign-ins, opens one session.
 */
export async function takeCode(
	db: Db,
	row: { id: number; totp_secret: string | null },
	code: string,
	now: Date
): Promise<boolean> {
	if (row.totp_secret === null) return true;
	const step = matchingStep(row.totp_secret, code, now);
	if (step === null) return false;
	const taken = await db
		.updateTable('staff_users')
		.set({ totp_last_step: step })
		.where('id', '=', row.id)
		.where('totp_secret', '=', row.totp_secret)
		.where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
		.returning('id')
		.executeTakeFirst();
	return taken !== undefined;
}

/** Signs in with the password, and the authenticator code (`code`) when the account has a second factor. */
export async function login(
	db: Db,
	username: string,
	password: string,
	client: string,
	now = new Date(),
	code = ''
): Promise<{ token: string; user: StaffUser; expiresAt: Date }> {
	const row = await checkStaffPassword(
		db,
		username,
		password,
		client,
		now,
		'staff.login_failed',
		badLogin,
		(account) => takeCode(db, account, code, now)
	);
	const token = newSecret();
	const expiresAt = new Date(now.getTime() + config.staffSessionTtlMs);
	await db
		.insertInto('staff_sessions')
		.values({ token_hash: hashSecret(token), user_id: row.id, expires_at: expiresAt, last_seen_at: now })
		.execute();
	await audit(db, { actor: `staff:${row.id}`, action: 'staff.login' });
	return {
		token,
		user: staffUser(row),
		expiresAt
	};
}

export async function staffFromToken(
	db: Db,
	token: string | undefined,
	now = new Date()
): Promise<StaffUser | null> {
	if (!token) return null;
	const row = await db
		.selectFrom('staff_sessions')
		.innerJoin('staff_users', 'staff_users.id', 'staff_sessions.user_id')
		.select([
			'staff_users.id',
			'staff_users.username',
			'staff_users.role',
			'staff_users.exam_area',
			'staff_users.province',
			'staff_users.totp_secret',
			'staff_users.disabled',
			'staff_sessions.expires_at',
			'staff_sessions.last_seen_at'
		])
		.where('staff_sessions.token_hash', '=', hashSecret(token))
		.executeTakeFirst();
	if (!row || row.disabled || new Date(row.expires_at).getTime() < now.getTime()) return null;
	const unusedMs = now.getTime() - new Date(row.last_seen_at).getTime();
	if (unusedMs > config.staffIdleMs) return null;
	// At most one write a minute per session: the idle limit is counted in minutes.
	if (unusedMs > 60_000)
		await db
			.updateTable('staff_sessions')
			.set({ last_seen_at: now })
			.where('token_hash', '=', hashSecret(token))
			.execute();
	return staffUser(row);
}

export async function logout(db: Db, token: string | undefined): Promise<void> {
	if (!token) return;
	const row = await db
		.deleteFrom('staff_sessions')
		.where('token_hash', '=', hashSecret(token))
		.returning('user_id')
		.executeTakeFirst();
	if (row) await audit(db, { actor: `staff:${row.user_id}`, action: 'staff.logout' });
}
