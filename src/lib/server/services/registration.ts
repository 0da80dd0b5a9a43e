// The province registration system's side: create and update candidate records (API and CSV), read outcomes.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import type { CandidateInput } from '../validation/candidate.ts';
import { serverJpegEmbedder } from '../face.ts';
import { countingDashboard } from './dashboard-counts.ts';
import { ServiceError } from './errors.ts';
import { prepareReferencePhoto, storeReferencePhoto, type ReferencePhoto } from './reference-photos.ts';

export interface UpsertResult {
	idNumber: string;
	created: boolean;
	admissionNumber: string | null;
}

/**
 * Creates or updates the record keyed by ID number. An admission number, once set, is never changed by an update:
 * the registration system may state it for a returning candidate, but not replace one we allocated.
 */
export async function upsertCandidate(
	db: Db,
	input: CandidateInput,
	actor = 'registration',
	reference?: ReferencePhoto
): Promise<UpsertResult> {
	return db.transaction().execute(async (tx) => {
		const existing = await tx
			.selectFrom('candidates')
			.select(['id', 'admission_number', 'exam_area', 'province'])
			.where('id_number', '=', input.idNumber)
			.forUpdate()
			.executeTakeFirst();
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
			...(reference ? { detail: { referencePhoto: reference.source, sha256: reference.sha256 } } : {})
		});
		return {
			idNumber: input.idNumber,
			created: !existing,
			admissionNumber: existing?.admission_number ?? input.admissionNumber ?? null
		};
	});
}

/** Outcome events after `since` (the last id the caller saw), oldest first: the polling API. */
export async function outcomeEventsSince(db: Db, since: number, limit = 100) {
	const rows = await db
		.selectFrom('outcome_events')
		.select(['id', 'payload'])
		.where('id', '>', String(since))
		.orderBy('id')
		.limit(Math.min(Math.max(limit, 1), 500))
		.execute();
	return {
		events: rows.map((r) => ({ id: Number(r.id), ...(r.payload as object) })),
		next: rows.length ? Number(rows.at(-1)!.id) : since
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
