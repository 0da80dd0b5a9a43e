import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/lib/core/bundle/canonical.ts';
import {
	checkSignature,
	exportPublicKey,
	generateDeviceKey,
	importPublicKey,
	signPayload
} from '../../../src/lib/core/bundle/sign.ts';

describe('device keys and signatures', () => {
	it('a device key is imported once: the same key object comes back for the same coordinates', async () => {
		const keys = await generateDeviceKey();
		const jwk = await exportPublicKey(keys.publicKey);
		const first = await importPublicKey(jwk);
		expect(await importPublicKey({ ...jwk })).toBe(first);
		const other = await importPublicKey(await exportPublicKey((await generateDeviceKey()).publicKey));
		expect(other).not.toBe(first);
	});

	it('a key that does not import is refused every time, not remembered', async () => {
		const jwk = await exportPublicKey((await generateDeviceKey()).publicKey);
		const broken = { ...jwk, x: jwk.x!.slice(0, -4) + 'AAAA' };
		await expect(importPublicKey(broken)).rejects.toThrow();
		await expect(importPublicKey(broken)).rejects.toThrow();
	});

	it('the signature is checked over the signed text the caller passes, computed or given', async () => {
		const keys = await generateDeviceKey();
		const key = await importPublicKey(await exportPublicKey(keys.publicKey));
		const signed = await signPayload({ a: 1, b: 'x' }, keys.privateKey);
		expect(await checkSignature(signed, key)).toBe(true);
		expect(await checkSignature(signed, key, canonicalJson(signed.payload))).toBe(true);
		expect(await checkSignature(signed, key, canonicalJson({ a: 2, b: 'x' }))).toBe(false);
	});
});
