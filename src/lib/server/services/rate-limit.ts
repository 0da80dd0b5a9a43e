// Fixed-window rate limits kept in the database, so every instance counts against the same numbers.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';

export interface RateRule {
	/** Hits allowed per window. */
	limit: number;
	windowMs: number;
}

export const RATE_RULES = {
	/** Staff login attempts per username and per client address. */
	login: { limit: 10, windowMs: 15 * 60_000 },
	/** Submissions per session (a NAT-ed exam hall shares one address, so not per address). */
	submit: { limit: 30, windowMs: 60_000 },
	/** SMS codes per phone number. */
	sms: { limit: 5, windowMs: 60 * 60_000 },
	/** Phone-link opens per client address. */
	open: { limit: 300, windowMs: 60_000 }
} as const satisfies Record<string, RateRule>;

/** Counts one hit against `key`; refuses with 429 once the window's limit is passed. */
export async function rateLimit(db: Db, key: string, rule: RateRule, now = new Date()): Promise<void> {
	const windowStart = new Date(now.getTime() - (now.getTime() % rule.windowMs));
	const row = await db
		.insertInto('rate_limits')
		.values({ key, window_start: windowStart, hits: 1 })
		.onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limits.hits + 1` }))
		.returning('hits')
		.executeTakeFirstOrThrow();
	if (row.hits > rule.limit) {
		const retry = Math.ceil((windowStart.getTime() + rule.windowMs - now.getTime()) / 1000);
		throw new ServiceError(
			429,
			'rate_limited',
			`操作过于频繁，请 ${retry} 秒后再试`,
			`Too many requests; try again in ${retry} s.`
		);
	}
}

/** Old windows are useless; the retention job's schedule is enough to keep the table small. */
export async function pruneRateLimits(db: Db, now = new Date()): Promise<void> {
	await db
		.deleteFrom('rate_limits')
		.where('window_start', '<', new Date(now.getTime() - 86_400_000))
		.execute();
}
