// The one-time password of a confirmation (Hubei) is drawn, hashed and sent here, after the outcome is recorded, and
// not in the request: recordOutcome inserts a password_jobs row in the statement that confirms, so the job exists
// exactly when the confirmation does. Any server instance claims due jobs with a lease ("for update skip locked" in
// one statement), hashes outside every transaction, stores the hash only while it still holds the lease, then
// sends the SMS to the phone on record and marks the job sent. A server that dies before the send leaves the job to
// whichever instance claims it after the lease; a failing gateway is retried later. A send whose answer never came
// (the gateway timed out, or the server died after the gateway accepted it) may have been delivered, so with a
// pepper every attempt sends the same message: the password derived from the outcome (drawOneTimePassword) under
// the same message id, which a gateway that honours it delivers once (and one that does not delivers the same
// password twice). Without a pepper each attempt draws a new password and is a new message: only the newest works.
//
// A job waits for two things before it is due. The duplicate sweep must have compared the confirmation's face with
// the whole province (the confirmation's own search is approximate, duplicate-sweep.ts): a stand-in the index
// missed is then held for review before any password leaves. And the outcome must not be waiting for a reviewer (a
// later duplicate flag puts a confirmation there): approved, its password goes; withdrawn, the job ends unsent.
import { sql, type QueryCreator } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { drawOneTimePassword, hashOneTimePassword } from '../passwords.ts';
import { awaitingSweep } from './sweep-state.ts';
import { serverPolicy } from '../policy.ts';
import { successMessage, type SmsSender } from '../sms/index.ts';

/** How long a claim is exclusive: far longer than a hash and a gateway call (10 s timeout). */
export const PASSWORD_JOB_LEASE_MS = 30_000;
/** The first retry after a failed send waits this long, doubling each time up to an hour. */
export const PASSWORD_JOB_RETRY_MS = 30_000;
const MAX_ATTEMPTS = 20;
/** Jobs hashed side by side: each scrypt takes one thread of libuv's pool (4 by default). */
const DEFAULT_BATCH = 4;

export interface PasswordJobClaim {
	outcomeId: number;
	/** The claim's fence: the job's lease as this claim set it. */
	leaseUntil: Date;
	attempts: number;
	/** When the job was made: with the outcome, what names its message (see runClaim). */
	createdAt: Date;
	/** What the message needs, read with the claim. */
	province: string;
	phone: string;
	name: string;
	admissionNumber: string | null;
}

/**
 * Claims up to `batch` due jobs (unsent, unleased or with an expired lease) for this instance, with each job's
 * candidate: one statement, as every round trip costs the event loop and the database on each confirmation.
 */
export async function claimPasswordJobs(
	db: Db,
	now: Date,
	batch = DEFAULT_BATCH
): Promise<PasswordJobClaim[]> {
	const leaseUntil = new Date(now.getTime() + PASSWORD_JOB_LEASE_MS);
	const rows = await db
		.with('claimed', (qb) =>
			qb
				.updateTable('password_jobs')
				.set({ lease_until: leaseUntil, attempts: sql`attempts + 1` })
				.where(
					'outcome_id',
					'in',
					qb
						.selectFrom('password_jobs')
						.select('outcome_id')
						.where('sent_at', 'is', null)
						.where('attempts', '<', MAX_ATTEMPTS)
						.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
						.where(sql<boolean>`not ${awaitingSweep(sql.ref('password_jobs.outcome_id'))}`)
						.where(({ exists, selectFrom }) =>
							exists(
								selectFrom('outcomes')
									.select('outcomes.id')
									.whereRef('outcomes.id', '=', 'password_jobs.outcome_id')
									.where('outcomes.review_status', '!=', 'pending')
							)
						)
						.orderBy('created_at')
						.limit(batch)
						.forUpdate()
						.skipLocked()
				)
				.returning(['outcome_id', 'candidate_id', 'attempts', 'created_at'])
		)
		.selectFrom('claimed')
		.innerJoin('candidates', 'candidates.id', 'claimed.candidate_id')
		.innerJoin('outcomes', 'outcomes.id', 'claimed.outcome_id')
		.select([
			'claimed.outcome_id',
			'claimed.attempts',
			'claimed.created_at',
			'candidates.province',
			'candidates.phone',
			'candidates.name',
			'outcomes.admission_number'
		])
		.execute();
	return rows.map((r) => ({
		outcomeId: r.outcome_id,
		leaseUntil,
		attempts: r.attempts,
		createdAt: r.created_at,
		province: r.province,
		phone: r.phone,
		name: r.name,
		admissionNumber: r.admission_number
	}));
}

/** Still this claim's job: unsent and leased by it (no other instance took it over). */
const held = (db: QueryCreator<Database>, claim: PasswordJobClaim) =>
	db
		.updateTable('password_jobs')
		.where('outcome_id', '=', claim.outcomeId)
		.where('lease_until', '=', claim.leaseUntil)
		.where('sent_at', 'is', null);

/** Draws, hashes, stores and sends one claimed job's password; true when the SMS went out. */
async function runClaim(
	db: Db,
	sender: SmsSender,
	claim: PasswordJobClaim,
	now: () => Date
): Promise<boolean> {
	const digits = serverPolicy(claim.province).policy.successSms?.passwordDigits;
	if (!digits || !claim.admissionNumber) {
		await held(db, claim)
			.set({ sent_at: now(), lease_until: null, last_error: 'no password to send' })
			.execute();
		return false;
	}
	// The outcome and the job's time name the message: the same on every attempt, and not again in a database whose
	// ids start over (a new registration year under the same pepper, the same gateway). A password derived under
	// another key (rotated between two attempts) or drawn at random is another message, so its id says so.
	const named = `password-${claim.outcomeId}-${claim.createdAt.getTime()}`;
	const { password, derivedUnder } = drawOneTimePassword(digits, named);
	const messageId = `${named}-${derivedUnder ?? `attempt-${claim.attempts}`}`;
	const hash = await hashOneTimePassword(password);
	// Stored only while the claim still holds the job: both updates in one statement, so one round trip.
	const stored = await db
		.with('mine', (qb) => held(qb, claim).set({ last_error: null }).returning('candidate_id'))
		.updateTable('candidates')
		.set({ password_hash: hash, updated_at: now() })
		.from('mine')
		.whereRef('candidates.id', '=', 'mine.candidate_id')
		.returning('candidates.id')
		.executeTakeFirst();
	if (!stored) return false;
	try {
		await sender.send({
			...successMessage(claim.phone, claim.name, claim.admissionNumber, password),
			id: messageId
		});
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const wait = Math.min(PASSWORD_JOB_RETRY_MS * 2 ** (claim.attempts - 1), 3_600_000);
		await held(db, claim)
			.set({ last_error: message, lease_until: new Date(now().getTime() + wait) })
			.execute();
		console.error('password SMS not sent, will retry:', message);
		return false;
	}
	await held(db, claim).set({ sent_at: now(), lease_until: null }).execute();
	return true;
}

export interface PasswordJobOptions {
	now?: () => Date;
	/** Jobs claimed and hashed at a time. */
	batch?: number;
}

/** Sends every due password (claiming `batch` at a time until none is due); returns how many SMS went out. */
export async function sendPendingPasswords(
	db: Db,
	sender: SmsSender,
	options: PasswordJobOptions = {}
): Promise<number> {
	const now = options.now ?? (() => new Date());
	let sent = 0;
	for (;;) {
		const claims = await claimPasswordJobs(db, now(), options.batch ?? DEFAULT_BATCH);
		if (claims.length === 0) return sent;
		const results = await Promise.all(claims.map((claim) => runClaim(db, sender, claim, now)));
		sent += results.filter(Boolean).length;
	}
}

let wake: (() => void) | null = null;

/**
 * Runs the jobs of this process every `intervalMs` and whenever wakePasswordJobs is called (after a confirmation
 * commits), one run at a time and one hash at a time by default (ZV_PASSWORD_JOB_BATCH): under a burst the
 * requests keep the other cores and the queue drains after it. Timers are unref'd so they never keep the process
 * alive.
 */
export function startPasswordJobs(db: Db, sender: SmsSender, intervalMs = 2_000): void {
	const batch = Math.max(1, Math.floor(Number(process.env.ZV_PASSWORD_JOB_BATCH ?? 1)) || 1);
	let running = false;
	let again = false;
	const run = () => {
		if (running) {
			again = true;
			return;
		}
		running = true;
		sendPendingPasswords(db, sender, { batch })
			.catch((error) => console.error('password job failed:', error instanceof Error ? error.message : error))
			.finally(() => {
				running = false;
				if (again) {
					again = false;
					setImmediate(run);
				}
			});
	};
	wake = () => setImmediate(run);
	setInterval(run, intervalMs).unref();
}

/** A confirmation with a password just committed: this process's job runner (if started) sends it soon. */
export function wakePasswordJobs(): void {
	wake?.();
}
