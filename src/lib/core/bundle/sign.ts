// Signing on the phone, verifying on the server: WebCrypto ECDSA P-256, the same code in both places.
import { canonicalJson } from './canonical.ts';
import { fromBase64Url, toBase64Url } from './encoding.ts';
import type { BundlePayload, SignedBundle } from './schema.ts';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A device key pair whose private half can never be exported (it stays in the phone's IndexedDB). */
export async function generateDeviceKey(): Promise<CryptoKeyPair> {
	return crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
}

export async function exportPublicKey(key: CryptoKey): Promise<JsonWebKey> {
	const jwk = await crypto.subtle.exportKey('jwk', key);
	return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

export async function signBundle(payload: BundlePayload, privateKey: CryptoKey): Promise<SignedBundle> {
	return signPayload(payload, privateKey);
}

/** Signs any JSON payload the same way as a bundle (the phone's attempt reports and extension requests). */
export async function signPayload<T>(
	payload: T,
	privateKey: CryptoKey
): Promise<{ payload: T; signature: string; alg: 'ES256' }> {
	const bytes = new TextEncoder().encode(canonicalJson(payload));
	const signature = new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, bytes));
	return { payload, signature: toBase64Url(signature), alg: 'ES256' };
}

/**
 * Imported device keys by their coordinates: a session's key signs its attempt reports, extension requests and
 * final bundle, and each import costs ~0.3 ms of CPU on the server. Bounded (oldest out first), so a stream of
 * new keys cannot grow it; a key that fails to import is not kept.
 */
const importedKeys = new Map<string, Promise<CryptoKey>>();
const IMPORTED_KEYS_KEPT = 1024;

export async function importPublicKey(jwk: JsonWebKey): Promise<CryptoKey> {
	if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
		throw new Error('not a P-256 public key');
	}
	const id = `${jwk.x}.${jwk.y}`;
	let key = importedKeys.get(id);
	if (!key) {
		key = crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, ALGORITHM, false, [
			'verify'
		]);
		importedKeys.set(id, key);
		key.catch(() => importedKeys.delete(id));
		if (importedKeys.size > IMPORTED_KEYS_KEPT) importedKeys.delete(importedKeys.keys().next().value!);
	}
	return key;
}

/** `signedText`: canonicalJson(bundle.payload) when the caller has computed it already (it is not again). */
export async function checkSignature(
	bundle: { payload: unknown; signature: string },
	publicKey: CryptoKey,
	signedText = canonicalJson(bundle.payload)
): Promise<boolean> {
	const bytes = new TextEncoder().encode(signedText);
	let signature: Uint8Array;
	try {
		signature = fromBase64Url(bundle.signature);
	} catch {
		return false;
	}
	// One encoding per signature: the unused low bits of the last base64url character must be zero.
	if (toBase64Url(signature) !== bundle.signature) return false;
	return crypto.subtle.verify(SIGN, publicKey, signature as BufferSource, bytes);
}
