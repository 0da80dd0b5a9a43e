// Time-based one-time codes (RFC 6238 with its defaults: HMAC-SHA1, 6 digits, 30-second steps), the codes every
// authenticator app shows. The secret is 20 random bytes, the size of an SHA-1 block's key the RFC's tests use,
// written in base32 as the apps expect it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_STEP_MS = 30_000;
export const TOTP_DIGITS = 6;
/** Steps either side of now a code is still taken for: a phone's clock a little off, a code typed as it turned. */
export const TOTP_DRIFT_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
	return out;
}

export function base32Decode(text: string): Buffer {
	const clean = text.toUpperCase().replace(/[\s=]/g, '');
	const out: number[] = [];
	let bits = 0;
	let value = 0;
	for (const ch of clean) {
		const index = BASE32.indexOf(ch);
		if (index < 0) throw new Error('not base32');
		value = ((value << 5) | index) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

/** A new secret: 20 random bytes in base32 (32 letters). */
export const newTotpSecret = (): string => base32Encode(randomBytes(20));

/** The step a moment falls in. */
export const totpStep = (now: Date): number => Math.floor(now.getTime() / TOTP_STEP_MS);

/** The code of `secret` (base32) at `step` (RFC 4226's dynamic truncation of the HMAC of the step counter). */
export function totpAt(secret: string, step: number): string {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const binary = mac.readUInt32BE(offset) & 0x7fffffff;
	return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/**
 * The step whose code `code` is, among now's and TOTP_DRIFT_STEPS either side; null when none. The latest matching
 * step is answered, so a code once used cannot be taken again for an earlier step.
 */
export function matchingStep(secret: string, code: string, now: Date): number | null {
	const typed = code.replace(/\s/g, '');
	if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(typed)) return null;
	const current = totpStep(now);
	let found: number | null = null;
	for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++)
		if (timingSafeEqual(Buffer.from(totpAt(secret, step)), Buffer.from(typed))) found = step;
	return found;
}

/** The otpauth:// link an authenticator app reads from a QR code. */
export function otpauthUri(issuer: string, username: string, secret: string): string {
	const label = encodeURIComponent(`${issuer}:${username}`);
	const params = new URLSearchParams({
		secret,
		issuer,
		algorithm: 'SHA1',
		digits: String(TOTP_DIGITS),
		period: String(TOTP_STEP_MS / 1000)
	});
	return `otpauth://totp/${label}?${params.toString()}`;
}
