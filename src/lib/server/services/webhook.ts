// Pushes outcome events to the registration system's webhook, signed with HMAC-SHA256:
//   X-ZV-Timestamp: unix seconds;  X-ZV-Signature: sha256=<hex HMAC(secret, timestamp + "." + body)>
// Delivery is at least once (the receiver dedupes by the event id); "for update skip locked" lets several
// instances deliver side by side without sending the same event at the same time.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

export function signWebhook(secret: string, timestamp: number, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookOptions {
	url: string;
	secret: string;
	fetch?: typeof fetch;
	batch?: number;
	now?: () => Date;
}

/** Delivers up to `batch` pending events; returns how many were delivered. */
export async function deliverWebhooks(db: Db, options: WebhookOptions): Promise<number> {
	const doFetch = options.fetch ?? fetch;
	const now = options.now ?? (() => new Date());
	return db.transaction().execute(async (tx) => {
		const events = await tx
			.selectFrom('outcome_events')
			.select(['id', 'payload', 'attempts'])
			.where('delivered_at', 'is', null)
			.where('attempts', '<', 20)
			.orderBy('id')
			.limit(options.batch ?? 20)
			.modifyEnd(sql`for update skip locked`)
			.execute();
		let delivered = 0;
		for (const event of events) {
			const body = JSON.stringify({ id: Number(event.id), ...(event.payload as object) });
			const timestamp = Math.floor(now().getTime() / 1000);
			let error: string | null = null;
			try {
				const response = await doFetch(options.url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'x-zv-timestamp': String(timestamp),
						'x-zv-signature': signWebhook(options.secret, timestamp, body)
					},
					body,
					signal: AbortSignal.timeout(10_000)
				});
				if (!response.ok) error = `answered ${response.status}`;
			} catch (e) {
				error = e instanceof Error ? e.message : String(e);
			}
			await tx
				.updateTable('outcome_events')
				.set({ attempts: event.attempts + 1, last_error: error, delivered_at: error ? null : now() })
				.where('id', '=', event.id)
				.execute();
			if (!error) delivered++;
		}
		return delivered;
	});
}
