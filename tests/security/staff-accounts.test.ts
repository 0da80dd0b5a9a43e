// What an admin may do to other staff accounts, tried by scripted clients against the built server: a province
// admin moving one of its accounts to another province or up to national reach, touching another province's
// account, an admin changing itself, a reviewer calling the admin API. Each is refused and the account is left as
// it was. The controls: a national admin moves a reviewer (whose open session ends, and who then works on the new
// province only), and disabling a kiosk account ends its session at once. A leaked password: the owner changing
// it, or signing out on other devices, or an admin setting a new one, signs the thief's session out; a stolen
// session alone cannot set a password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';

let server: ServerProcess;
let national = '';
let close: () => Promise<void>;
let origin = '';

beforeAll(async () => {
	({ server, cookie: national, close } = await testServer(3240));
	origin = server.origin;
}, 180_000);
afterAll(() => close?.());

interface Account {
	id: number;
	username: string;
	password: string;
	province: string;
	disabled: boolean;
}

interface Answer {
	status: number;
	body: { user?: Account; users?: Account[]; error?: { code: string; zh: string; en: string } };
}

async function call(cookie: string, path: string, method = 'GET', body?: object): Promise<Answer> {
	const r = await fetch(`${origin}${path}`, {
		method,
		headers: { cookie, origin, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await r.text();
	return { status: r.status, body: text.startsWith('{') ? JSON.parse(text) : {} };
}

async function create(by: string, role: string, province: string): Promise<Account> {
	const username = `${role}-${province}-${Math.floor(Math.random() * 1e9)}`;
	const password = `${role} ${province} password`;
	const answer = await call(by, '/api/staff/users', 'POST', { username, role, password, province });
	expect(answer.status, JSON.stringify(answer.body)).toBe(201);
	return { ...answer.body.user!, password };
}

async function signIn(account: Account): Promise<{ status: number; cookie: string }> {
	const r = await fetch(`${origin}/api/staff/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin },
		body: JSON.stringify({ username: account.username, password: account.password })
	});
	return { status: r.status, cookie: r.headers.get('set-cookie')?.split(';')[0] ?? '' };
}

const change = (by: string, account: Account, body: object) =>
	call(by, `/api/staff/users/${account.id}`, 'PATCH', body);

/** The account as the national admin lists it. */
async function stored(account: Account): Promise<Account> {
	const { body } = await call(national, '/api/staff/users');
	return body.users!.find((u) => u.id === account.id)!;
}

describe('a province admin', () => {
	let hubeiAdmin = '';
	let hubeiReviewer: Account;
	let fujianReviewer: Account;

	beforeAll(async () => {
		const admin = await create(national, 'admin', 'hubei');
		hubeiAdmin = (await signIn(admin)).cookie;
		hubeiReviewer = await create(hubeiAdmin, 'reviewer', 'hubei');
		fujianReviewer = await create(national, 'reviewer', 'fujian');
	});

	it('cannot move its own account to another province', async () => {
		const answer = await change(hubeiAdmin, hubeiReviewer, { province: 'fujian' });
		expect(answer.status).toBe(403);
		expect(answer.body.error?.code).toBe('other_province');
		expect((await stored(hubeiReviewer)).province).toBe('hubei');
	});

	it('cannot raise an account to every province', async () => {
		const answer = await change(hubeiAdmin, hubeiReviewer, { province: 'all' });
		expect(answer.status).toBe(400);
		expect(answer.body.error?.code).toBe('province_required');
		expect((await stored(hubeiReviewer)).province).toBe('hubei');
	});

	it("cannot see, disable or move another province's account", async () => {
		const listed = await call(hubeiAdmin, '/api/staff/users');
		expect(listed.body.users!.map((u) => u.province)).not.toContain('fujian');
		for (const body of [{ disabled: true }, { province: 'hubei' }]) {
			const answer = await change(hubeiAdmin, fujianReviewer, body);
			expect(answer.status).toBe(404);
			expect(answer.body.error?.code).toBe('no_account');
		}
		expect(await stored(fujianReviewer)).toMatchObject({ province: 'fujian', disabled: false });
		expect((await signIn(fujianReviewer)).status).toBe(200);
	});

	it('disables and enables an account of its province', async () => {
		expect((await change(hubeiAdmin, hubeiReviewer, { disabled: true })).body.user?.disabled).toBe(true);
		expect((await signIn(hubeiReviewer)).status).toBe(401);
		expect((await change(hubeiAdmin, hubeiReviewer, { disabled: false })).body.user?.disabled).toBe(false);
		expect((await signIn(hubeiReviewer)).status).toBe(200);
	});
});

describe('any admin', () => {
	it('cannot change its own account', async () => {
		const admin = await create(national, 'admin', 'beijing');
		const cookie = (await signIn(admin)).cookie;
		const answer = await change(cookie, admin, { province: 'all' });
		expect(answer.status).toBe(400);
		expect(answer.body.error?.code).toBe('own_account');
		expect(answer.body.error?.zh).toBeTruthy();
		expect((await stored(admin)).province).toBe('beijing');
	});

	it('is the only role that may change accounts', async () => {
		const reviewer = await create(national, 'reviewer', 'hubei');
		const other = await create(national, 'kiosk', 'hubei');
		const cookie = (await signIn(reviewer)).cookie;
		const answer = await change(cookie, other, { disabled: true });
		expect(answer.status).toBe(403);
		expect((await stored(other)).disabled).toBe(false);
	});
});

describe('the national admin', () => {
	it("moves a reviewer: the open session ends, and the reviewer works on the new province's records only", async () => {
		const reviewer = await create(national, 'reviewer', 'hubei');
		const before = (await signIn(reviewer)).cookie;
		expect((await call(before, '/api/staff/me')).status).toBe(200);
		const moved = await change(national, reviewer, { province: 'fujian' });
		expect(moved.status, JSON.stringify(moved.body)).toBe(200);
		expect(moved.body.user?.province).toBe('fujian');
		expect((await call(before, '/api/staff/me')).status).toBe(401);
		const after = (await signIn(reviewer)).cookie;
		const me = await call(after, '/api/staff/me');
		expect(me.body).toMatchObject({ user: { province: 'fujian' } });
	});

	it("disables a kiosk account: the tablet's session ends at once and it cannot sign in again", async () => {
		const kiosk = await create(national, 'kiosk', 'hubei');
		const tablet = (await signIn(kiosk)).cookie;
		expect((await call(tablet, '/api/staff/me')).status).toBe(200);
		expect((await change(national, kiosk, { disabled: true })).status).toBe(200);
		expect((await call(tablet, '/api/staff/me')).status).toBe(401);
		expect((await signIn(kiosk)).status).toBe(401);
	});
});

// A password someone else learnt (read over a shoulder, reused elsewhere) and the session they opened with it.
describe('a leaked password and the session a thief opened with it', () => {
	const setPassword = (cookie: string, current: string, next: string) =>
		call(cookie, '/api/staff/me/password', 'POST', { current, next });

	it('the owner changes the password: the thief is signed out and the old password opens nothing', async () => {
		const reviewer = await create(national, 'reviewer', 'hubei');
		const owner = (await signIn(reviewer)).cookie;
		const thief = (await signIn(reviewer)).cookie;
		expect((await call(thief, '/api/staff/me')).status).toBe(200);
		const answer = await setPassword(owner, reviewer.password, 'only the owner knows this one');
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect(answer.body).toMatchObject({ endedSessions: 1 });
		expect((await call(thief, '/api/staff/me')).status).toBe(401);
		expect((await call(thief, '/api/review')).status).toBe(401);
		expect((await signIn(reviewer)).status).toBe(401);
		expect((await call(owner, '/api/staff/me')).status).toBe(200);
		expect((await signIn({ ...reviewer, password: 'only the owner knows this one' })).status).toBe(200);
	});

	it('the owner signs out on other devices: the thief is signed out', async () => {
		const kiosk = await create(national, 'kiosk', 'beijing');
		const owner = (await signIn(kiosk)).cookie;
		const thief = (await signIn(kiosk)).cookie;
		const answer = await call(owner, '/api/staff/me/sessions', 'DELETE');
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect((await call(thief, '/api/staff/me')).status).toBe(401);
		expect((await call(owner, '/api/staff/me')).status).toBe(200);
	});

	it('a stolen session cannot set a password without the current one, and guesses it no faster than sign-in', async () => {
		const reviewer = await create(national, 'reviewer', 'fujian');
		const owner = (await signIn(reviewer)).cookie;
		const thief = (await signIn(reviewer)).cookie;
		const statuses = [];
		for (let i = 0; i < 6; i++)
			statuses.push((await setPassword(thief, `guess ${i}`, 'the thief would like this')).status);
		expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
		// Nothing changed: both sessions still work (the owner's is not the thief's to end).
		expect((await call(owner, '/api/staff/me')).status).toBe(200);
		expect((await call(thief, '/api/staff/me')).status).toBe(200);
		const weak = await setPassword(owner, reviewer.password, 'short');
		expect(weak.status).toBe(400);
		expect(weak.body.error?.code).toBe('weak_password');
	});

	it('an admin gives the account a new password: every session ends and the old password opens nothing', async () => {
		const hubeiAdmin = (await signIn(await create(national, 'admin', 'hubei'))).cookie;
		const reviewer = await create(hubeiAdmin, 'reviewer', 'hubei');
		const thief = (await signIn(reviewer)).cookie;
		const answer = await change(hubeiAdmin, reviewer, { password: 'handed over in person' });
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect((await call(thief, '/api/staff/me')).status).toBe(401);
		expect((await signIn(reviewer)).status).toBe(401);
		expect((await signIn({ ...reviewer, password: 'handed over in person' })).status).toBe(200);
		const fujian = await create(national, 'reviewer', 'fujian');
		const across = await change(hubeiAdmin, fujian, { password: 'not yours to set at all' });
		expect(across.status).toBe(404);
		expect((await signIn(fujian)).status).toBe(200);
	});
});
