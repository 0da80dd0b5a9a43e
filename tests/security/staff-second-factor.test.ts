// A reviewer's password leaks (read over a shoulder, reused from another site). Whoever holds it signs in and reads
// the review queue, where one approval lets a stand-in sit the exam. Tried by a scripted client against the built
// server. Before the authenticator code existed the password alone did it (the first test below passed on that
// code); now an account with the code on needs a code from the owner's phone, taken once, and a role that must have
// one (ZV_STAFF_SECOND_FACTOR_ROLES) does no work without it.
import { parse } from 'devalue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { totpAt, totpStep } from '../../src/lib/server/totp.ts';

interface Account {
	id: number;
	username: string;
	password: string;
}

interface Answer {
	status: number;
	cookie: string;
	body: { error?: { code: string; zh: string; en: string } };
}

/** The scripted client of one server: its admin's cookie and the calls the attack and the owner make. */
function client(server: () => ServerProcess, admin: () => string) {
	const origin = () => server().origin;
	const json = async (path: string, init: { method?: string; cookie?: string; body?: object }) => {
		const r = await fetch(`${origin()}${path}`, {
			method: init.method ?? 'GET',
			headers: {
				origin: origin(),
				...(init.cookie ? { cookie: init.cookie } : {}),
				...(init.body ? { 'content-type': 'application/json' } : {})
			},
			body: init.body ? JSON.stringify(init.body) : undefined
		});
		const text = await r.text();
		return {
			status: r.status,
			cookie: r.headers.get('set-cookie')?.split(';')[0] ?? '',
			body: text.startsWith('{') ? JSON.parse(text) : {}
		} as Answer;
	};
	return {
		json,
		async reviewer(province = 'hubei', by = admin()): Promise<Account> {
			const username = `reviewer-${Math.floor(Math.random() * 1e9)}`;
			const password = 'reviewer leaked password';
			const r = await json('/api/staff/users', {
				method: 'POST',
				cookie: by,
				body: { username, password, role: 'reviewer', province }
			});
			expect(r.status, JSON.stringify(r.body)).toBe(201);
			return { id: (r.body as { user: { id: number } }).user.id, username, password };
		},
		signIn: (account: Account, extra: object = {}) =>
			json('/api/staff/login', {
				method: 'POST',
				body: { username: account.username, password: account.password, ...extra }
			}),
		/** A form action of the /staff page's account section, as the page's own script posts it. */
		async action(cookie: string, name: string, fields: Record<string, string> = {}) {
			const r = await fetch(`${origin()}/staff?/${name}`, {
				method: 'POST',
				headers: {
					cookie,
					origin: origin(),
					accept: 'application/json',
					'x-sveltekit-action': 'true',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams(fields).toString()
			});
			const answer = (await r.json()) as { type: string; status: number; data?: string };
			return { type: answer.type, status: answer.status, data: answer.data ? parse(answer.data) : null };
		}
	};
}

/** The code the owner's app shows `ahead` steps from now (a step ahead is still taken: a phone's clock runs fast). */
const codeOf = (secret: string, ahead = 0) => totpAt(secret, totpStep(new Date()) + ahead);

/**
 * Signs `account` in with its password, sets the code up and turns it on with the current code (a step then
 * taken); the secret, and the session it was done in.
 */
async function enrolled(
	c: ReturnType<typeof client>,
	account: Account
): Promise<{ secret: string; cookie: string }> {
	const cookie = (await c.signIn(account)).cookie;
	const setup = await c.action(cookie, 'secondFactorSetup');
	expect(setup.type, JSON.stringify(setup)).toBe('success');
	const { secret, uri } = setup.data.secondFactorSetup as { secret: string; uri: string };
	expect(uri).toContain(`secret=${secret}`);
	const on = await c.action(cookie, 'secondFactorConfirm', {
		code: codeOf(secret),
		current: account.password
	});
	expect(on.type, JSON.stringify(on)).toBe('success');
	return { secret, cookie };
}

const enrol = async (c: ReturnType<typeof client>, account: Account) => (await enrolled(c, account)).secret;

describe('with the authenticator code optional (the default)', () => {
	let server: ServerProcess;
	let admin = '';
	let close: () => Promise<void>;
	const c = client(
		() => server,
		() => admin
	);

	beforeAll(async () => {
		({ server, cookie: admin, close } = await testServer(3700));
	}, 180_000);
	afterAll(() => close?.());

	it('an account without the code signs in with its password alone and reads the queue, as before', async () => {
		const reviewer = await c.reviewer();
		const thief = await c.signIn(reviewer);
		expect(thief.status).toBe(200);
		expect((await c.json('/api/review', { cookie: thief.cookie })).status).toBe(200);
	});

	it('with the code on, the leaked password alone or with a wrong code is answered as a wrong password', async () => {
		const reviewer = await c.reviewer();
		const secret = await enrol(c, reviewer);
		const wrongPassword = await c.signIn({ ...reviewer, password: 'not the password' });
		expect(wrongPassword.status).toBe(401);
		const alone = await c.signIn(reviewer);
		const wrongCode = await c.signIn(reviewer, {
			code: String((Number(codeOf(secret)) + 1) % 1e6).padStart(6, '0')
		});
		for (const answer of [alone, wrongCode]) {
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual(wrongPassword.body);
			expect(answer.cookie).toBe('');
		}
		expect(wrongPassword.body.error).toMatchObject({
			code: 'bad_login',
			zh: '用户名、密码或动态验证码错误',
			en: 'Wrong username, password or authenticator code.'
		});
	});

	it('the owner signs in with the right code, once: the same code a second time opens nothing', async () => {
		const reviewer = await c.reviewer();
		const secret = await enrol(c, reviewer);
		const code = codeOf(secret, 1);
		const owner = await c.signIn(reviewer, { code });
		expect(owner.status, JSON.stringify(owner.body)).toBe(200);
		expect((await c.json('/api/review', { cookie: owner.cookie })).status).toBe(200);
		const again = await c.signIn(reviewer, { code });
		expect(again.status).toBe(401);
		expect(again.body.error?.code).toBe('bad_login');
	});

	it('two parallel sign-ins with one code give one session', async () => {
		const reviewer = await c.reviewer();
		const secret = await enrol(c, reviewer);
		const code = codeOf(secret, 1);
		const both = await Promise.all([c.signIn(reviewer, { code }), c.signIn(reviewer, { code })]);
		expect(both.map((a) => a.status).sort()).toEqual([200, 401]);
	});

	it('guessing codes with the right password counts as failed sign-ins: the sixth in a minute is refused', async () => {
		const reviewer = await c.reviewer();
		const secret = await enrol(c, reviewer);
		const right = codeOf(secret, 1);
		const statuses = [];
		for (let i = 0; i < 5; i++) {
			const guess = String((Number(right) + 1 + i) % 1e6).padStart(6, '0');
			statuses.push((await c.signIn(reviewer, { code: guess })).status);
		}
		statuses.push((await c.signIn(reviewer, { code: right })).status);
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
	});

	it("a stolen session cannot tie the account to the thief's phone without the password", async () => {
		const reviewer = await c.reviewer();
		const stolen = (await c.signIn(reviewer)).cookie;
		const setup = await c.action(stolen, 'secondFactorSetup');
		const { secret } = setup.data.secondFactorSetup as { secret: string };
		const on = await c.action(stolen, 'secondFactorConfirm', { code: codeOf(secret), current: 'a guess' });
		expect(on).toMatchObject({ type: 'failure', status: 403 });
		expect((await c.signIn(reviewer)).status).toBe(200);
	});

	it("turning one's own code off takes a current code; an admin clears a lost phone's, in its province only", async () => {
		const reviewer = await c.reviewer();
		const { secret, cookie: owner } = await enrolled(c, reviewer);
		const wrong = await c.action(owner, 'secondFactorRemove', { current: reviewer.password, code: '000000' });
		expect(wrong).toMatchObject({ type: 'failure', status: 403 });
		const off = await c.action(owner, 'secondFactorRemove', {
			current: reviewer.password,
			code: codeOf(secret, 1)
		});
		expect(off.type, JSON.stringify(off)).toBe('success');
		expect((await c.signIn(reviewer)).status).toBe(200);

		await enrol(c, reviewer);
		expect((await c.signIn(reviewer)).status).toBe(401);
		const fujianAdmin = (await c.json('/api/staff/users', {
			method: 'POST',
			cookie: admin,
			body: {
				username: `admin-fj-${Date.now()}`,
				password: 'fujian admin password',
				role: 'admin',
				province: 'fujian'
			}
		})) as Answer & { body: { user: Account } };
		const fujian = (await c.signIn({ ...fujianAdmin.body.user, password: 'fujian admin password' })).cookie;
		const across = await c.json(`/api/staff/users/${reviewer.id}`, {
			method: 'PATCH',
			cookie: fujian,
			body: { clearSecondFactor: true }
		});
		expect(across.status).toBe(404);
		expect((await c.signIn(reviewer)).status).toBe(401);
		const cleared = await c.json(`/api/staff/users/${reviewer.id}`, {
			method: 'PATCH',
			cookie: admin,
			body: { clearSecondFactor: true }
		});
		expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
		expect(cleared.body).toMatchObject({ user: { secondFactor: false } });
		expect((await c.signIn(reviewer)).status).toBe(200);
	});
});

describe('with ZV_STAFF_SECOND_FACTOR_ROLES=reviewer', () => {
	let server: ServerProcess;
	let admin = '';
	let close: () => Promise<void>;
	const c = client(
		() => server,
		() => admin
	);

	beforeAll(async () => {
		({ server, cookie: admin, close } = await testServer(3720, { ZV_STAFF_SECOND_FACTOR_ROLES: 'reviewer' }));
	}, 180_000);
	afterAll(() => close?.());

	it('a reviewer without the code signs in but reads no queue until it sets the code up on /staff', async () => {
		const reviewer = await c.reviewer();
		const session = await c.signIn(reviewer);
		expect(session.status).toBe(200);
		const queue = await c.json('/api/review', { cookie: session.cookie });
		expect(queue.status).toBe(403);
		expect(queue.body.error?.code).toBe('second_factor_required');
		expect(queue.body.error?.zh).toContain('/staff');
		expect(queue.body.error?.en).toContain('/staff');
		const page = await fetch(`${server.origin}/staff/review`, { headers: { cookie: session.cookie } });
		expect(page.status).toBe(403);

		const secret = await enrol(c, reviewer);
		const owner = await c.signIn(reviewer, { code: codeOf(secret, 1) });
		expect((await c.json('/api/review', { cookie: owner.cookie })).status).toBe(200);
	});

	it('other roles are not held to it', async () => {
		expect((await c.json('/api/staff/users', { cookie: admin })).status).toBe(200);
	});
});
