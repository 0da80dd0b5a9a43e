// Staff accounts (reviewer, kiosk operator, admin) with scrypt password hashes and database-backed sessions.
// The session cookie is httpOnly + SameSite=Strict; together with SvelteKit's origin check on form posts and
// non-GET requests this is the CSRF protection.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { config } from '../config.ts';
import { hashPassword, verifyPassword } from '../passwords.ts';
import { ServiceError } from './errors.ts';
import { checkLimit, rateLimit, type RateRule } from './rate-limit.ts';
import { hashSecret, newSecret } from './tokens.ts';

export type StaffRole = 'reviewer' | 'kiosk' | 'admin' | 'office';

export interface StaffUser {
	id: number;
	username: string;
	role: StaffRole;
	/** An office account of one exam area reads only that area's figures; null: the whole province. */
	examArea?: string | null;
}

/** Admins may do everything; other roles only their own work. */
export function hasRole(user: StaffUser, role: StaffRole): boolean {
	return user.role === 'admin' || user.role === role;
}

export async function createStaff(
	db: Db,
	username: string,
	role: StaffRole,
	password: string,
	actor = 'system',
	examArea: string | null = null
): Promise<StaffUser> {
	if (password.length < 12) {
		throw new ServiceError(
			400,
			'weak_password',
			'密码至少 12 个字符',
			'A staff password needs at least 12 characters.'
		);
	}
	const row = await db
		.insertInto('staff_users')
		.values({ username, role, password_hash: await hashPassword(password), exam_area: examArea })
		.onConflict((oc) => oc.column('username').doNothing())
		.returning(['id', 'username', 'role', 'exam_area'])
		.executeTakeFirst();
	if (!row) throw new ServiceError(409, 'username_taken', '用户名已存在', 'This username is taken.');
	await audit(db, { actor, action: 'staff.create', detail: { username, role, examArea } });
	return { id: row.id, username: row.username, role: row.role, examArea: row.exam_area };
}

/** The dev/bootstrap admin from ZV_ADMIN_PASSWORD; nothing happens without it (no built-in password exists). */
export async function seedAdmin(db: Db): Promise<void> {
	if (!config.adminPassword) return;
	const exists = await db
		.selectFrom('staff_users')
		.select('id')
		.where('username', '=', config.adminUsername)
		.executeTakeFirst();
	if (!exists) await createStaff(db, config.adminUsername, 'admin', config.adminPassword, 'seed');
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

function loginFailureKeys(username: string, client: string): { key: string; rule: RateRule }[] {
	return [
		...LOGIN_FAILURE_RULES.map((rule) => ({
			key: `login-failed:${rule.windowMs}:${client}:${username}`,
			rule
		})),
		{ key: `login-failed:address:${client}`, rule: ADDRESS_FAILURE_RULE }
	];
}

const badLogin = () => new ServiceError(401, 'bad_login', '用户名或密码错误', 'Wrong username or password.');

export async function login(
	db: Db,
	username: string,
	password: string,
	client: string,
	now = new Date()
): Promise<{ token: string; user: StaffUser; expiresAt: Date }> {
	// Only failures count, per username and address: a stranger elsewhere cannot lock the real user out.
	const failureKeys = loginFailureKeys(username, client);
	for (const { key, rule } of failureKeys) await checkLimit(db, key, rule, now);
	const row = await db
		.selectFrom('staff_users')
		.selectAll()
		.where('username', '=', username)
		.executeTakeFirst();
	// A missing user still costs one hash, so timing does not reveal which usernames exist.
	const ok = await verifyPassword(
		password,
		row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'
	);
	if (!row || !ok || row.disabled) {
		for (const { key, rule } of failureKeys) await rateLimit(db, key, rule, now);
		await audit(db, { actor: `client:${client}`, action: 'staff.login_failed', detail: { username } });
		throw badLogin();
	}
	const token = newSecret();
	const expiresAt = new Date(now.getTime() + config.staffSessionTtlMs);
	await db
		.insertInto('staff_sessions')
		.values({ token_hash: hashSecret(token), user_id: row.id, expires_at: expiresAt })
		.execute();
	await audit(db, { actor: `staff:${row.id}`, action: 'staff.login' });
	return { token, user: { id: row.id, username: row.username, role: row.role }, expiresAt };
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
			'staff_users.disabled',
			'staff_sessions.expires_at'
		])
		.where('staff_sessions.token_hash', '=', hashSecret(token))
		.executeTakeFirst();
	if (!row || row.disabled || new Date(row.expires_at).getTime() < now.getTime()) return null;
	return { id: row.id, username: row.username, role: row.role, examArea: row.exam_area };
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
