// The stored forms of passwords: scrypt for staff (and one-time passwords without a pepper), peppered HMAC for
// one-time passwords with one; verifyPassword reads both, and a peppered hash is useless without its key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	drawOneTimePassword,
	hashOneTimePassword,
	hashPassword,
	parsePeppers,
	randomDigits,
	verifyPassword
} from '../../src/lib/server/passwords.ts';

const key = () => randomBytes(32).toString('base64');

describe('passwords', () => {
	it('a one-time password with a pepper is an HMAC under it, verified with it and not without it', async () => {
		const peppers = parsePeppers(key());
		const password = randomDigits(8);
		const stored = await hashOneTimePassword(password, peppers);
		expect(stored).toMatch(/^hmac-sha256\$[0-9a-f]{8}\$[\w-]{22}\$[\w-]{43}$/);
		expect(await verifyPassword(password, stored, peppers)).toBe(true);
		expect(await verifyPassword(String((Number(password) + 1) % 1e8).padStart(8, '0'), stored, peppers)).toBe(
			false
		);
		// The database alone (no key, or another key) cannot test a guess.
		expect(await verifyPassword(password, stored, [])).toBe(false);
		expect(await verifyPassword(password, stored, parsePeppers(key()))).toBe(false);
	});

	it("with a pepper a message's password is drawn again the same (a resend), and differs by message and by key", () => {
		const peppers = parsePeppers(key());
		const first = drawOneTimePassword(8, 'outcome 41', peppers);
		expect(first.derivedUnder).toBe(peppers[0].id);
		expect(first.password).toMatch(/^\d{8}$/);
		expect(drawOneTimePassword(8, 'outcome 41', peppers)).toEqual(first);
		expect(drawOneTimePassword(8, 'outcome 42', peppers).password).not.toBe(first.password);
		expect(drawOneTimePassword(8, 'outcome 41', parsePeppers(key())).password).not.toBe(first.password);
		// Without a pepper nothing secret could derive it: every draw is random.
		const random = [drawOneTimePassword(8, 'outcome 41', []), drawOneTimePassword(8, 'outcome 41', [])];
		expect(random.map((r) => r.derivedUnder)).toEqual([null, null]);
		expect(random[0].password).not.toBe(random[1].password);
	});

	it('derived digits are uniform: no modulo bias over 20,000 messages (a fixed key, so the same every run)', () => {
		const peppers = parsePeppers(Buffer.alloc(32, 7).toString('base64'));
		const counts = Array.from({ length: 8 }, () => new Array<number>(10).fill(0));
		const messages = 20_000;
		for (let m = 0; m < messages; m++) {
			const { password } = drawOneTimePassword(8, `outcome ${m}`, peppers);
			for (let i = 0; i < 8; i++) counts[i][Number(password[i])]++;
		}
		// Each digit at each place: Binomial(20,000, 0.1), sd ~42.
		for (const place of counts) for (const n of place) expect(Math.abs(n - 2000)).toBeLessThan(5 * 42.4);
		// A byte taken modulo 10 over all 256 values would give 0-5 a share of 0.609 instead of 0.6: 7.7 sd of this
		// sample (160,000 digits) away, against the 4 sd allowed.
		const low = counts.reduce((sum, place) => sum + place.slice(0, 6).reduce((x, y) => x + y, 0), 0);
		const sd = Math.sqrt((0.6 * 0.4) / (8 * messages));
		expect(Math.abs(low / (8 * messages) - 0.6)).toBeLessThan(4 * sd);
	});

	it('the same password twice gives two different hashes (salted)', async () => {
		const peppers = parsePeppers(key());
		const [a, b] = [
			await hashOneTimePassword('12345678', peppers),
			await hashOneTimePassword('12345678', peppers)
		];
		expect(a).not.toBe(b);
	});

	it('after a rotation the old key still verifies the hashes made with it, and new hashes use the new key', async () => {
		const [oldKey, newKey] = [key(), key()];
		const before = await hashOneTimePassword('87654321', parsePeppers(oldKey));
		const rotated = parsePeppers(`${newKey},${oldKey}`);
		expect(await verifyPassword('87654321', before, rotated)).toBe(true);
		const after = await hashOneTimePassword('87654321', rotated);
		expect(after.split('$')[1]).toBe(rotated[0].id);
		expect(after.split('$')[1]).not.toBe(before.split('$')[1]);
	});

	it('scrypt hashes (staff, and one-time passwords stored before a pepper) keep verifying', async () => {
		const peppers = parsePeppers(key());
		const staff = await hashPassword('a staff passphrase');
		expect(staff).toMatch(/^scrypt\$16384\$8\$1\$/);
		expect(await verifyPassword('a staff passphrase', staff, peppers)).toBe(true);
		expect(await verifyPassword('another', staff, peppers)).toBe(false);
		// Without a pepper a one-time password is scrypt too.
		const unpeppered = await hashOneTimePassword('00012345', []);
		expect(unpeppered).toMatch(/^scrypt\$/);
		expect(await verifyPassword('00012345', unpeppered, peppers)).toBe(true);
	});

	it('refuses a pepper shorter than 32 bytes; unknown formats never verify', async () => {
		expect(() => parsePeppers(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
		expect(parsePeppers(undefined)).toEqual([]);
		expect(await verifyPassword('12345678', 'md5$abc')).toBe(false);
	});
});
