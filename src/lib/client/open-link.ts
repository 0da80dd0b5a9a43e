// Opening the phone link: the device key is made and saved before the server is asked, so a phone that loses the
// answer (a dropped connection, a reload while it was on its way) opens the link again with the same key and its
// proof, instead of finding a spent link (services/sessions.ts).
import { signReopen } from '../core/bundle/reopen.ts';
import { exportPublicKey, generateDeviceKey } from '../core/bundle/sign.ts';
import type { OpenedSession } from '../core/bundle/answers.ts';
import { REQUEST_PROBLEMS } from '../core/request-problems.ts';
import type { Text } from '../core/text.ts';
import { loadLinkKey, saveLinkKey } from './phone-store.ts';

/** The server's answer to an opening, as the phone reads it. */
export type OpenedLink = OpenedSession;

export type OpenAnswer = { ok: true; keys: CryptoKeyPair; body: OpenedLink } | { ok: false; problem: Text };

export async function openLink(token: string): Promise<OpenAnswer> {
	const saved = await loadLinkKey(token);
	const keys = saved?.keys ?? (await generateDeviceKey());
	if (!saved) await saveLinkKey({ token, keys });
	const response = await fetch('/api/phone/open', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			token,
			publicKey: await exportPublicKey(keys.publicKey),
			...(saved ? { proof: await signReopen(token, keys.privateKey) } : {})
		})
	}).catch(() => null);
	const body = await response?.json().catch(() => ({}));
	if (!response?.ok) return { ok: false, problem: body?.error ?? REQUEST_PROBLEMS.link_unopenable };
	return { ok: true, keys, body };
}
