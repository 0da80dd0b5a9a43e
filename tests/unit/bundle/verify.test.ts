import { describe, expect, it } from 'vitest';
import type { BundlePayload, Challenge } from '../../../src/lib/core/bundle/schema.ts';
import { exportPublicKey, generateDeviceKey, signBundle } from '../../../src/lib/core/bundle/sign.ts';
import { verifyBundle, type VerifyContext } from '../../../src/lib/core/bundle/verify.ts';

const now = new Date('2026-11-25T10:00:00Z');
const challenge: Challenge = {
	nonce: 'n0nce-abcdefghijklmnop',
	issuedAt: '2026-11-25T09:55:00Z',
	expiresAt: '2026-11-25T10:15:00Z'
};
const sessionId = '0b9e7f3e-8f5e-4c1e-9d7a-2f1f6d8f9a10';

function payload(overrides: Partial<BundlePayload> = {}): BundlePayload {
	return {
		version: 1,
		sessionId,
		challenge,
		candidate: { idNumber: '110105199003071239' },
		signedAt: '2026-11-25T09:59:00Z',
		steps: [
			{ kind: 'liveness', passed: true, scores: { antiSpoof: 0.93 }, reasons: [], models: [], details: {} }
		],
		attachments: {},
		device: {},
		...overrides
	};
}

async function setup() {
	const keys = await generateDeviceKey();
	const ctx: VerifyContext = {
		sessionId,
		publicKey: await exportPublicKey(keys.publicKey),
		challenge,
		expectedIdNumber: '110105199003071239',
		now
	};
	return { keys, ctx };
}

describe('verifyBundle', () => {
	it('accepts a bundle signed by the registered key', async () => {
		const { keys, ctx } = await setup();
		const verdict = await verifyBundle(await signBundle(payload(), keys.privateKey), ctx);
		expect(verdict).toMatchObject({ ok: true });
	});

	it('the private key cannot be exported', async () => {
		const { keys } = await setup();
		await expect(crypto.subtle.exportKey('jwk', keys.privateKey)).rejects.toThrow();
	});

	it('rejects any change to the signed payload', async () => {
		const { keys, ctx } = await setup();
		const signed = await signBundle(payload(), keys.privateKey);
		signed.payload.steps[0].scores!.antiSpoof = 0.94;
		expect(await verifyBundle(signed, ctx)).toMatchObject({ ok: false, code: 'bad_signature' });
	});

	it('rejects a bundle signed by another device', async () => {
		const { ctx } = await setup();
		const other = await generateDeviceKey();
		expect(await verifyBundle(await signBundle(payload(), other.privateKey), ctx)).toMatchObject({
			ok: false,
			code: 'bad_signature'
		});
	});

	it('rejects a flipped signature bit', async () => {
		const { keys, ctx } = await setup();
		const signed = await signBundle(payload(), keys.privateKey);
		const chars = signed.signature.split('');
		chars[10] = chars[10] === 'A' ? 'B' : 'A';
		expect(await verifyBundle({ ...signed, signature: chars.join('') }, ctx)).toMatchObject({
			code: 'bad_signature'
		});
	});

	it('rejects an echoed challenge that differs from the issued one', async () => {
		const { keys, ctx } = await setup();
		const signed = await signBundle(
			payload({ challenge: { ...challenge, nonce: 'another-nonce-123456' } }),
			keys.privateKey
		);
		expect(await verifyBundle(signed, ctx)).toMatchObject({ code: 'challenge_mismatch' });
	});

	it('rejects an expired challenge and a stale signing time', async () => {
		const { keys, ctx } = await setup();
		const signed = await signBundle(payload(), keys.privateKey);
		expect(await verifyBundle(signed, { ...ctx, now: new Date('2026-11-25T10:16:00Z') })).toMatchObject({
			code: 'challenge_expired'
		});
		const future = await signBundle(payload({ signedAt: '2026-11-25T11:00:00Z' }), keys.privateKey);
		expect(await verifyBundle(future, ctx)).toMatchObject({ code: 'stale' });
	});

	it('rejects another session, another ID number, and mismatched attachments', async () => {
		const { keys, ctx } = await setup();
		const other = await signBundle(
			payload({ sessionId: '1b9e7f3e-8f5e-4c1e-9d7a-2f1f6d8f9a10' }),
			keys.privateKey
		);
		expect(await verifyBundle(other, ctx)).toMatchObject({ code: 'wrong_session' });
		const id = await signBundle(payload({ candidate: { idNumber: '11010519900307124X' } }), keys.privateKey);
		expect(await verifyBundle(id, ctx)).toMatchObject({ code: 'id_mismatch' });
		const photo = await signBundle(
			payload({ attachments: { photoSha256: 'a'.repeat(64) } }),
			keys.privateKey
		);
		expect(await verifyBundle(photo, { ...ctx, uploaded: { photoSha256: 'b'.repeat(64) } })).toMatchObject({
			code: 'attachment_mismatch'
		});
	});

	it('rejects models missing from the allow-list', async () => {
		const { keys, ctx } = await setup();
		const signed = await signBundle(
			payload({
				steps: [
					{
						kind: 'liveness',
						passed: true,
						scores: {},
						reasons: [],
						models: [{ id: 'face.x', sha256: 'c'.repeat(64) }],
						details: {}
					}
				]
			}),
			keys.privateKey
		);
		expect(
			await verifyBundle(signed, { ...ctx, allowedModels: new Map([['face.x', 'd'.repeat(64)]]) })
		).toMatchObject({
			code: 'unknown_model'
		});
	});

	it('explains malformed input with the path of the first problem', async () => {
		const { ctx } = await setup();
		const verdict = await verifyBundle({ payload: { version: 2 }, signature: 'x', alg: 'ES256' }, ctx);
		expect(verdict).toMatchObject({ ok: false, code: 'malformed' });
		expect(verdict.ok || verdict.en).toMatch(/payload/);
	});
});
