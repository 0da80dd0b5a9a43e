// The province registration system's side: create and update candidate records (API and CSV), read outcomes.
import { sql } from 'kysely';
import { ADVISORY_LOCKS } from '../db/locks.ts';
import { eventHeld } from './outcome-events.ts';
import type { OutcomeEventFields } from './outcome.ts';
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import type { CandidateInput } from '../validation/candidate.ts';
import { serverJpegEmbedder } from '../face.ts';
import { countingDashboard } from './dashboard-counts.ts';
import { ServiceError } from './errors.ts';
import { ALL_PROVINCES, reaches } from '../../core/staff-roles.ts';
import { prepareReferencePhoto, storeReferencePhoto, type ReferencePhoto } from './reference-photos.ts';
import { endCodesOfFormerPhone } from './sms-login.ts';
import { endPreRegistrationSignIns } from './pre-registration.ts';
import { endOnlineSessions } from './sessions.ts';

export interface UpsertResult {
	idNumber: string;
	created: boolean;
	admissionNumber: string | null;
}

/** Refuses a record of a province the calling registration system (`reach`: its province, or all) does not serve. */
export function requireRegistrationProvince(reach: string, province: string): void {
	if (reaches(reach, province)) return;
	throw new ServiceError(
		403,
		'other_province',
		'此报名系统凭据无权处理其他省份的考生',
		"This registration credential works only on its own province's candidates."
	);
}

/** Refuses a whole batch when any record, as sent or as stored, is of a province `reach` does not serve. */
export async function requireBatchInReach(db: Db, reach: string, inputs: CandidateInput[]): Promise<void> {
	if (reach === ALL_PROVINCES) return;
	for (const input of inputs) requireRegistrationProvince(reach, input.province);
	const stored = await db
		.selectFrom('candidates')
		.select('province')
		.where(
			'id_number',
			'in',
			inputs.map((i) => i.idNumber)
		)
		.execute();
	for (const row of stored) requireRegistrationProvince(reach, row.province);
}

/**
 * Creates or updates the record keyed by ID number. An admission number, once set, is never changed by an update:
 * the registration system may state it for a returning candidate, but not replace one we allocated. A province's
 * own system (`reach`) neither writes a record of another province nor moves one out of or into its province.
 */
export async function upsertCandidate(
	db: Db,
	input: CandidateInput,
	actor = 'registration',
	reference?: ReferencePhoto,
	reach: string = ALL_PROVINCES
): Promise<UpsertResult> {
	requireRegistrationProvince(reach, input.province);
	return db.transaction().execute(async (tx) => {
		const existing = await tx
			.selectFrom('candidates')
			.select(['id', 'admission_number', 'exam_area', 'province', 'phone'])
			.where('id_number', '=', input.idNumber)
			.forUpdate()
			.executeTakeFirst();
		if (existing) requireRegistrationProvince(reach, existing.province);
		if (
			existing?.admission_number &&
			input.admissionNumber &&
			existing.admission_number !== input.admissionNumber
		) {
			throw new ServiceError(
				409,
				'admission_number_conflict',
				'该考生已有不同的准考证号',
				'This candidate already holds a different admission number.'
			);
		}
		if (input.admissionNumber) {
			const taken = await tx
				.selectFrom('candidates')
				.select('id_number')
				.where('admission_number', '=', input.admissionNumber)
				.where('id_number', '!=', input.idNumber)
				.executeTakeFirst();
			if (taken) {
				throw new ServiceError(
					409,
					'admission_number_taken',
					'准考证号已被其他考生使用',
					'This admission number belongs to another candidate.'
				);
			}
		}
		const fields = {
			name: input.name,
			sex: input.sex,
			ethnicity: input.ethnicity,
			birth_date: input.birthDate,
			address: input.address,
			phone: input.phone,
			major: input.major,
			exam_area: input.examArea,
			province: input.province
		};
		let id: number;
		const phoneChanged = existing !== undefined && existing.phone !== input.phone;
		let endedSessions: string[] = [];
		if (existing) {
			// A record moved to another exam area takes its sessions' figures with it (the dashboard counts by area).
			const moved =
				existing.exam_area === input.examArea
					? []
					: await tx
							.selectFrom('verification_sessions')
							.select('id')
							.where('candidate_id', '=', existing.id)
							.execute();
			await countingDashboard(
				tx,
				moved.map((s) => s.id),
				() =>
					tx
						.updateTable('candidates')
						.set({
							...fields,
							updated_at: new Date(),
							...(input.admissionNumber && !existing.admission_number
								? { admission_number: input.admissionNumber, returning_candidate: true }
								: {})
						})
						.where('id', '=', existing.id)
						.execute(),
				// The candidate's own figure (attempts per candidate) counts by the record's province and area.
				existing.exam_area === input.examArea && existing.province === input.province ? [] : [existing.id]
			);
			id = existing.id;
			if (phoneChanged) {
				// What the former number was given must not outlive it: its unused sign-in codes, the
				// registration-site sign-ins made with one, and the sessions started online.
				await endCodesOfFormerPhone(tx, id);
				await endPreRegistrationSignIns(tx, id);
				endedSessions = await endOnlineSessions(tx, id);
			}
		} else {
			const row = await tx
				.insertInto('candidates')
				.values({
					...fields,
					id_number: input.idNumber,
					admission_number: input.admissionNumber ?? null,
					returning_candidate: Boolean(input.admissionNumber)
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			id = row.id;
		}
		if (reference) await storeReferencePhoto(tx, id, reference);
		await audit(tx, {
			actor,
			action: existing ? 'candidate.update' : 'candidate.create',
			candidateId: id,
			...(reference || phoneChanged
				? {
						detail: {
							...(reference ? { referencePhoto: reference.source, sha256: reference.sha256 } : {}),
							...(phoneChanged ? { phoneChanged: true, endedSessions } : {})
						}
					}
				: {})
		});
		return {
			idNumber: input.idNumber,
			created: !existing,
			admissionNumber: existing?.admission_number ?? input.admissionNumber ?? null
		};
	});
}

/** An outcome event as the poll returns it: its fields, its id and the poll's number. */
export type PolledEvent = OutcomeEventFields & { id: number; seq: number };

/**
 * Outcome events numbered after `since` (the `next` of the caller's last poll), oldest first: the polling API.
 * Event ids are drawn when a row is written, and transactions commit in another order, so the poll does not page
 * by id: it first numbers, in one turn at a time, the committed events no poll has numbered yet (in id order), and
 * pages by that number. An event whose transaction commits after a later one's gets a later number, never one
 * behind a cursor that has moved on. A province's own system (`reach`) reads its province's events only.
 */
export async function outcomeEventsSince(db: Db, since: number, limit = 100, reach: string = ALL_PROVINCES) {
	const ofReach = (alias: string) =>
		reach === ALL_PROVINCES
			? sql<boolean>`true`
			: sql<boolean>`${sql.ref(`${alias}.payload`)}->>'province' = ${reach}`;
	const rows = await db.transaction().execute(async (tx) => {
		await sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.eventNumbering}::bigint)`.execute(tx);
		// A held confirmation (outcome-events.ts) is numbered once released, after what was numbered meanwhile;
		// nextval runs in the ordered subquery's output order, so the numbers follow the ids. `held` counts the
		// rows as the statement began (a data-modifying WITH runs whether its result is read or not).
		const { rows: counted } = await sql<{ held: number }>`with numbered as (
				update outcome_events e set seq = n.seq
				from (select id, nextval('outcome_events_seq') as seq
					from (select id from outcome_events u where seq is null and not ${eventHeld('u')} order by id) o) n
				where e.id = n.id returning e.id)
			select count(*)::int as held from outcome_events h
			where h.seq is null and ${eventHeld('h')} and ${ofReach('h')}`.execute(tx);
		const events = await tx
			.selectFrom('outcome_events as e')
			.select(['e.id', 'e.seq', 'e.payload'])
			.where('e.seq', '>', String(since))
			.where(ofReach('e'))
			.orderBy('e.seq')
			.limit(Math.min(Math.max(limit, 1), 500))
			.execute();
		return { events, held: counted[0].held };
	});
	return {
		events: rows.events.map((r): PolledEvent => ({
			id: Number(r.id),
			seq: Number(r.seq),
			...(r.payload as OutcomeEventFields)
		})),
		next: rows.events.length ? Number(rows.events.at(-1)!.seq) : since,
		/** Confirmations recorded but not yet released (their sweep comes within seconds): poll again for them. */
		held: rows.held
	};
}

/**
 * A record's reference photo checked and embedded (outside any transaction: the face engine's work holds no lock),
 * or undefined when the record carries none.
 */
export async function referenceOf(input: CandidateInput): Promise<ReferencePhoto | undefined> {
	if (!input.referencePhoto) return undefined;
	const jpeg = new Uint8Array(Buffer.from(input.referencePhoto.jpeg, 'base64'));
	// In the pool's worker threads: a registration system sending thousands of records must not stall this
	// instance's event loop for the ~30 ms of inference each photo takes.
	return prepareReferencePhoto(input.referencePhoto.source, jpeg, serverJpegEmbedder());
}
