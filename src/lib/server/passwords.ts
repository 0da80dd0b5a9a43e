// Slow password hashes (scrypt from node:crypto) for staff passwords and the candidates' 8-digit passwords.
// Stored as "scrypt$N$r$p$salt$hash" so the cost can be raised later without breaking existing hashes.
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { config } from './config.ts';

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) =>
			error ? reject(error) : resolve(key)
		)
	);
}

export async function hashPassword(password: string): Promise<string> {
	const N = config.scryptN;
	const r = 8;
	const p = 1;
	const salt = randomBytes(16);
	const key = await derive(password, salt, { N, r, p });
	return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, hash] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64url');
	const key = await derive(password, Buffer.from(salt, 'base64url'), {
		N: Number(n),
		r: Number(r),
		p: Number(p)
	});
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A numeric password from the crypto RNG (randomInt is unbiased), leading zeros kept. */
export function randomDigits(length: number): string {
	let out = '';
	for (let i = 0; i < length; i++) out += String(randomInt(10));
	return out;
}
