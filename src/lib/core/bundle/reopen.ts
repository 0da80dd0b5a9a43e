// What a phone signs to open its link again after losing the server's first answer: the link's token, under the
// device key it sent the first time. Signed on the phone, checked on the server (services/sessions.ts).
import { signPayload } from './sign.ts';

export const reopenPayload = (token: string) => ({ type: 'reopen' as const, token });

/** The proof sent with the second opening: the signature alone (the server rebuilds the payload from the token). */
export async function signReopen(token: string, privateKey: CryptoKey): Promise<string> {
	return (await signPayload(reopenPayload(token), privateKey)).signature;
}
