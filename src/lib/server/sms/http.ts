// Production sender: POST {"to","text"} as JSON to ZV_SMS_GATEWAY_URL with a bearer token, and for a message that
// may be sent again (a one-time password after a lost answer) its id in the body and as the Idempotency-Key header.
// Only the redacted text is logged in sms_outbox, so the database never holds a candidate's password.
import type { Db } from '../db/index.ts';
import type { SmsMessage, SmsSender } from './types.ts';

export interface HttpGatewayOptions {
	url: string;
	token?: string;
	timeoutMs?: number;
	fetch?: typeof fetch;
}

export function httpGatewaySender(db: Db, options: HttpGatewayOptions): SmsSender {
	const doFetch = options.fetch ?? fetch;
	return {
		name: 'http',
		async send(message: SmsMessage) {
			let error: string | null = null;
			try {
				const response = await doFetch(options.url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
						...(message.id ? { 'idempotency-key': message.id } : {})
					},
					body: JSON.stringify({
						...(message.id ? { id: message.id } : {}),
						to: message.phone,
						text: message.body
					}),
					signal: AbortSignal.timeout(options.timeoutMs ?? 10_000)
				});
				if (!response.ok) error = `gateway answered ${response.status}`;
			} catch (e) {
				error = e instanceof Error ? e.message : String(e);
			}
			await db
				.insertInto('sms_outbox')
				.values({
					phone: message.phone,
					body: message.redacted,
					via: 'http',
					status: error ? 'failed' : 'sent',
					error
				})
				.execute();
			if (error) throw new Error(`SMS gateway: ${error}`);
		}
	};
}
