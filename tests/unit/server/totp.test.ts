// The authenticator codes against RFC 6238's SHA-1 test vectors (its 8-digit codes, of which an app shows the last
// 6), and the window and format a typed code is judged by.
import { describe, expect, it } from 'vitest';
import {
	base32Decode,
	base32Encode,
	matchingStep,
	newTotpSecret,
	otpauthUri,
	TOTP_STEP_MS,
	totpAt,
	totpStep
} from '../../../src/lib/server/totp.ts';

// RFC 6238 appendix B: the SHA-1 key is the ASCII of "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const RFC_VECTORS: [seconds: number, code: string][] = [
	[59, '94287082'],
	[1111111109, '07081804'],
	[1111111111, '14050471'],
	[1234567890, '89005924'],
	[2000000000, '69279037'],
	[20000000000, '65353130']
];

describe('totp', () => {
	it('gives the RFC 6238 SHA-1 codes', () => {
		expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
		for (const [seconds, code] of RFC_VECTORS)
			expect(totpAt(RFC_SECRET, totpStep(new Date(seconds * 1000)))).toBe(code.slice(-6));
	});

	it('draws 20-byte secrets that decode back', () => {
		const secret = newTotpSecret();
		expect(secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(base32Decode(secret)).toHaveLength(20);
		expect(base32Encode(base32Decode(secret))).toBe(secret);
		expect(newTotpSecret()).not.toBe(secret);
	});

	it("takes the code of the step before, now and after, nothing further, and answers the code's step", () => {
		const secret = newTotpSecret();
		const now = new Date(1_800_000_000_000);
		const step = totpStep(now);
		for (const d of [-1, 0, 1]) expect(matchingStep(secret, totpAt(secret, step + d), now)).toBe(step + d);
		for (const d of [-3, -2, 2, 3]) {
			const code = totpAt(secret, step + d);
			const inWindow = [-1, 0, 1].some((w) => totpAt(secret, step + w) === code);
			if (!inWindow) expect(matchingStep(secret, code, now)).toBeNull();
		}
		expect(matchingStep(secret, totpAt(secret, step), new Date(now.getTime() + 2 * TOTP_STEP_MS))).toBeNull();
	});

	it('refuses what is not six digits, and reads a code typed with a space', () => {
		const secret = newTotpSecret();
		const now = new Date();
		const code = totpAt(secret, totpStep(now));
		expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(totpStep(now));
		for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`])
			expect(matchingStep(secret, bad, now)).toBeNull();
	});

	it('writes the otpauth link an authenticator app reads', () => {
		const uri = otpauthUri('Zikao Verify', 'reviewer-1', 'ABCDEFGH');
		expect(uri).toBe(
			'otpauth://totp/Zikao%20Verify%3Areviewer-1?secret=ABCDEFGH&issuer=Zikao+Verify&algorithm=SHA1&digits=6&period=30'
		);
	});
});
