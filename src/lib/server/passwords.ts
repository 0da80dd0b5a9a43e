// Password hashes. Staff passwords (chosen by people, reused, guessable) get scrypt from node:crypto, stored as
// "scrypt$N$r$p$salt$hash" so the cost can be raised later. A candidate's one-time password is not chosen by a person:
// the server draws 8 digits (about 27 bits). No affordable slow hash protects so few bits against a leaked database
// (a GPU tries all 10^8 against one scrypt hash in hours), while that hash's CPU on every confirmation capped the
// province's rate. So with a pepper configured (ZV_PASSWORD_PEPPER, a secret kept outside the database, as the
// threat model describes) the one-time password is stored as "hmac-sha256$key$salt$mac": HMAC-SHA-256 of salt and
// password under the pepper, which a leaked database alone cannot test a single guess against. Without a pepper it
// stays scrypt. verifyPassword reads every format, so hashes stored before a pepper was configured keep working.
import {
	createHash,
	createHmac,
	randomBytes,
	randomInt,
	scrypt,
	timingSafeEqual,
	type ScryptOptions
} from 'node:crypto';
import { config } from './config.ts';

const KEY_LENGTH = 32;
const PEPPERED = 'hmac-sha256';

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) =>
			error ? reject(error) : resolve(key)
		)
	);
}

/** A slow, salted hash for a password a person chose (staff). */
export async function hashPassword(password: string): Promise<string> {
	const N = config.scryptN;
	const r = 8;
	const p = 1;
	const salt = randomBytes(16);
	const key = await derive(password, salt, { N, r, p });
	return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export interface Pepper {
	/** Names the key in a stored hash (the first 8 hex digits of its SHA-256), so keys can be rotated. */
	id: string;
	key: Buffer;
}

/**
 * Peppers from their configured form: base64 keys of at least 32 bytes, comma-separated, the first one current (new
 * hashes) and the others still read (hashes made before a rotation). Throws on a key that is too short.
 */
export function parsePeppers(value: string | undefined): Pepper[] {
	if (!value) return [];
	return value
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.map((encoded) => {
			const key = Buffer.from(encoded, 'base64');
			if (key.length < 32)
				throw new Error('ZV_PASSWORD_PEPPER: each key must be at least 32 bytes, base64-encoded');
			return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
		});
}

const configuredPeppers = parsePeppers(config.passwordPepper);

const mac = (pepper: Pepper, salt: Buffer, password: string) =>
	createHmac('sha256', pepper.key).update(salt).update(password, 'utf8').digest();

/**
 * The stored form of a server-generated one-time password: peppered HMAC when a pepper is configured (microseconds),
 * else the staff hash (scrypt).
 */
export async function hashOneTimePassword(
	password: string,
	peppers: readonly Pepper[] = configuredPeppers
): Promise<string> {
	const pepper = peppers[0];
	if (!pepper) return hashPassword(password);
	const salt = randomBytes(16);
	return `${PEPPERED}$${pepper.id}$${salt.toString('base64url')}$${mac(pepper, salt, password).toString('base64url')}`;
}

/** Checks a password against any stored format (scrypt, or peppered HMAC with a configured key). */
export async function verifyPassword(
	password: string,
	stored: string,
	peppers: readonly Pepper[] = configuredPeppers
): Promise<boolean> {
	const parts = stored.split('$');
	if (parts[0] === PEPPERED) {
		const [, id, salt, hash] = parts;
		const pepper = peppers.find((p) => p.id === id);
		if (!pepper || !salt || !hash) return false;
		const expected = Buffer.from(hash, 'base64url');
		const key = mac(pepper, Buffer.from(salt, 'base64url'), password);
		return key.length === expected.length && timingSafeEqual(key, expected);
	}
	const [scheme, n, r, p, salt, hash] = parts;
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

export interface DrawnPassword {
	password: string;
	/**
	 * The id of the pepper key it was derived under: every draw for the same message under that key gives it again.
	 * Null when drawn at random (no pepper).
	 */
	derivedUnder: string | null;
}

/**
 * The one-time password of one message (`messageKey`, e.g. its outcome). With a pepper it is derived from the
 * current key (HMAC-SHA-256 under a subkey of its own, digits by rejection so each is uniform), so a retry after an
 * unknown send gives the same password again and a gateway can drop the repeat; someone without the key cannot
 * compute it from anything the database holds. Without a pepper every draw is random.
 */
export function drawOneTimePassword(
	length: number,
	messageKey: string,
	peppers: readonly Pepper[] = configuredPeppers
): DrawnPassword {
	const pepper = peppers[0];
	if (!pepper) return { password: randomDigits(length), derivedUnder: null };
	const subkey = createHmac('sha256', pepper.key).update('zikao-verify one-time password').digest();
	let out = '';
	for (let block = 0; out.length < length; block++) {
		const bytes = createHmac('sha256', subkey).update(`${messageKey}\n${block}`).digest();
		// 250 = 25 x 10: a byte below it is one uniform digit; the rest are skipped.
		for (const byte of bytes) if (byte < 250 && out.length < length) out += String(byte % 10);
	}
	return { password: out, derivedUnder: pepper.id };
}
