// The stored forms of passwords: scrypt for staff (and one-time passwords without a pepper), peppered HMAC for
// one-time passwords with one; verifyPassword reads both, and a peppered hash is useless without its key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
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
