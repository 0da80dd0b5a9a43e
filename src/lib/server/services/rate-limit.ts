// Fixed-window rate limits kept in the database, so every instance counts against the same numbers.
import { sql, type QueryCreator } from 'kysely';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { ServiceError } from './errors.ts';

export interface RateRule {
	/** Hits allowed per window. */
	limit: number;
	windowMs: number;
}

export const RATE_RULES = {
	/** Submissions per session (a NAT-ed exam hall shares one address, so not per address). */
	submit: { limit: 30, windowMs: 60_000 },
	/** SMS codes per phone number. */
	sms: { limit: 5, windowMs: 60 * 60_000 },
	/** Phone-link opens per client address. */
	open: { limit: 300, windowMs: 60_000 },
	/**
	 * Pre-registration photos one candidate has checked in an hour, kept or refused: each costs the face engine, and
	 * a refused one a processed photo (the daily upload limit counts only the photos kept for the audit).
	 */
	preRegistrationChecks: { limit: 20, windowMs: 60 * 60_000 },
	/**
	 * On-site attestations per kiosk account: one a minute on average is more than a desk checking people and cards
	 * in person manages, and bounds what a stolen kiosk login records before someone disables it.
	 */
	kioskAttestations: { limit: 60, windowMs: 60 * 60_000 }
} as const satisfies Record<string, RateRule>;

const HOUR_MS = 3_600_000;

/** Candidate sign-in and session starts (deployment settings, see config). */
export const SIGN_IN_RULES = {
	/** Code requests and code checks per client address (a NAT-ed exam hall shares one). */
	address: { limit: config.signInPerAddressHour, windowMs: HOUR_MS },
	/** Codes sent per ID number and phone number typed: a stranger without the phone number cannot use them up. */
	codes: { limit: config.signInCodesPerHour, windowMs: HOUR_MS },
	/** One code per resend interval. */
	resend: { limit: 1, windowMs: config.smsResendSeconds * 1000 },
	/** Sessions one candidate starts, by any entry point. */
	starts: { limit: config.sessionStartsPerHour, windowMs: HOUR_MS }
} satisfies Record<string, RateRule>;

/** The refusal once a limit is passed, given the seconds until its window ends. */
export type Refusal = (retrySeconds: number) => ServiceError;

const tooManyRequests: Refusal = (retry) =>
	new ServiceError(
		429,
		'rate_limited',
		`操作过于频繁，请 ${retry} 秒后再试`,
		`Too many requests; try again in ${retry} s.`
	);

/** One hit against a limit's key, in the window that contains `now`. */
export interface RateHit {
	key: string;
	rule: RateRule;
	now: Date;
}

const windowStartOf = ({ rule, now }: RateHit) => new Date(now.getTime() - (now.getTime() % rule.windowMs));

/**
 * The statement that counts a hit and returns the window's hits so far; a null hit inserts nothing and returns no
 * row. A statement of its own (rateLimit) or a WITH clause of another one (the submission's session read).
 */
export function countHit(db: QueryCreator<Database>, hit: RateHit | null) {
	return db
		.insertInto('rate_limits')
		.columns(['key', 'window_start', 'hits'])
		.expression(
			db
				.selectNoFrom([
					sql<string>`${hit?.key ?? null}::text`.as('key'),
					sql<Date>`${hit ? windowStartOf(hit) : null}::timestamptz`.as('window_start'),
					sql<number>`1`.as('hits')
				])
				.where(sql<boolean>`${hit !== null}::boolean`)
		)
		.onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limits.hits + 1` }))
		.returning('hits');
}

const retrySeconds = (hit: RateHit) =>
	Math.max(1, Math.ceil((windowStartOf(hit).getTime() + hit.rule.windowMs - hit.now.getTime()) / 1000));

/** Refuses (429 by default) once the window's limit is passed (`hits` counts this one). */
export function checkHits(hit: RateHit, hits: number, refusal: Refusal = tooManyRequests): void {
	if (hits <= hit.rule.limit) return;
	throw refusal(retrySeconds(hit));
}

/** Counts one hit against `key`; refuses once the window's limit is passed. */
export async function rateLimit(
	db: Db,
	key: string,
	rule: RateRule,
	now = new Date(),
	refusal?: Refusal
): Promise<void> {
	const hit = { key, rule, now };
	const row = await countHit(db, hit).executeTakeFirstOrThrow();
	checkHits(hit, row.hits, refusal);
}

/**
 * Counts a hit against every rule before the work they limit (a password check), so requests arriving together
 * are each judged with the others counted: a read of the hits then a count after the work let a burst through
 * whole. Over any limit, the hits counted are given back and the request refused, so refusals never add up.
 */
export async function reserveHits(db: Db, hits: readonly RateHit[]): Promise<void> {
	const counted: RateHit[] = [];
	for (const hit of hits) {
		const row = await countHit(db, hit).executeTakeFirstOrThrow();
		counted.push(hit);
		if (row.hits > hit.rule.limit) {
			await releaseHits(db, counted);
			throw tooManyRequests(retrySeconds(hit));
		}
	}
}

/** Gives back hits reserveHits counted, when the work turned out not to count (a right password). */
export async function releaseHits(db: Db, hits: readonly RateHit[]): Promise<void> {
	for (const hit of hits)
		await db
			.updateTable('rate_limits')
			.set({ hits: sql`greatest(hits - 1, 0)` })
			.where('key', '=', hit.key)
			.where('window_start', '=', windowStartOf(hit))
			.execute();
}

/** Old windows are useless; the retention job's schedule is enough to keep the table small. */
export async function pruneRateLimits(db: Db, now = new Date()): Promise<void> {
	await db
		.deleteFrom('rate_limits')
		.where('window_start', '<', new Date(now.getTime() - 86_400_000))
		.execute();
}
