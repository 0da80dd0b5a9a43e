// Pushes outcome events to the registration system's webhook, signed with HMAC-SHA256:
//   X-ZV-Timestamp: unix seconds;  X-ZV-Signature: sha256=<hex HMAC(secret, timestamp + "." + body)>
// Delivery is at least once (the receiver dedupes by the event id); a confirmation waits for its sweep
// (outcome-events.ts). Events are claimed with a one-minute lease ("for update skip locked" inside a short
// transaction), then sent outside any transaction, so several instances deliver side by side and a slow receiver
// never holds a database lock.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { eventHeld } from './outcome-events.ts';

const LEASE_MS = 60_000;

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
	const claimedAt = now();
	const events = await db.transaction().execute(async (tx) => {
		const due = await tx
			.selectFrom('outcome_events')
			.select(['id'])
			.where('delivered_at', 'is', null)
			.where('attempts', '<', 20)
			.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', claimedAt)]))
			.where(sql<boolean>`not ${eventHeld('outcome_events')}`)
			.orderBy('id')
			.limit(options.batch ?? 20)
			.forUpdate()
			.skipLocked()
			.execute();
		if (due.length === 0) return [];
		return tx
			.updateTable('outcome_events')
			.set({ lease_until: new Date(claimedAt.getTime() + LEASE_MS) })
			.where(
				'id',
				'in',
				due.map((d) => d.id)
			)
			.returning(['id', 'payload', 'attempts'])
			.execute();
	});
	let delivered = 0;
	for (const event of events.sort((a, b) => Number(a.id) - Number(b.id))) {
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
				// The signed body goes to the configured URL only: a redirect is a failed delivery, never followed.
				redirect: 'manual',
				signal: AbortSignal.timeout(10_000)
			});
			if (!response.ok)
				error = `answered ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirect not followed)' : ''}`;
		} catch (e) {
			error = e instanceof Error ? e.message : String(e);
		}
		await db
			.updateTable('outcome_events')
			.set({
				attempts: event.attempts + 1,
				last_error: error,
				delivered_at: error ? null : now(),
				lease_until: null
			})
			.where('id', '=', event.id)
			.execute();
		if (!error) delivered++;
	}
	return delivered;
}
