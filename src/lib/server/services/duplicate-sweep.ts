// The exhaustive duplicate sweep. The confirmation searches its province through an approximate index (HNSW on
// PostgreSQL, hnswlib on PGlite), whose recall depends on how a province's embeddings spread and which, at a
// million rows, missed stand-ins on some shapes of data (models/notes/duplicates.md). So every recorded embedding
// is also compared, once, with every other embedding of its province: each row's face code (core/face/face-code.ts)
// leaves out the rows that cannot be at the strict threshold, whatever the data look like, and the exact cosine
// decides on the rest. A match the confirmation missed sends both outcomes to review, with an outcome event for the
// registration system, as the confirmation would have; a pair already flagged either way is left alone.
//
// Any instance sweeps: it takes unswept rows with a lease (`for update skip locked`), compares them outside any
// transaction, marks the rows without a match in one statement and records each match in a transaction of its
// own, in the province's turn (the lock the confirmations take); both only while its lease holds. A row recorded
// while another is being swept is compared with it when its own turn comes, so no pair falls between two sweeps.
import { sql, type Expression } from 'kysely';
import { codeCutoff, faceCode, faceCodeText } from '../../core/face/face-code.ts';
import { cosineSimilarity, FACE_MATCH } from '../../core/face/match.ts';
import type { Db } from '../db/index.ts';
import {
	decodeEmbedding,
	duplicateFaceReason,
	flagDuplicates,
	isDuplicateFaceReason,
	takeProvinceTurn
} from './duplicates.ts';

export const DUPLICATE_SWEEP = {
	/** Rows claimed at a time. */
	batch: 8,
	/** How long a claim is exclusive: far longer than comparing a row with a province of a million. */
	leaseMs: 120_000,
	/** How often each instance looks for unswept rows. */
	intervalMs: 5_000
} as const;

/** What one comparison found: the province's outcomes at the strict threshold to this one. */
interface SweptRow {
	outcomeId: number;
	candidateId: number;
	province: string;
	/** Its face code, written with the mark where the row had none (recorded by an instance without the sweep). */
	code: string;
	hits: { outcomeId: number; candidateId: number; similarity: number }[];
}

export interface SweepResult {
	swept: number;
	/** Pairs found that no search had flagged. */
	flagged: number;
}

/** Sweeps until no unswept row is left (or every one left is held by another instance). */
export async function sweepDuplicates(
	db: Db,
	options: { now?: () => Date; batch?: number } = {}
): Promise<SweepResult> {
	const now = options.now ?? (() => new Date());
	const total: SweepResult = { swept: 0, flagged: 0 };
	while ((await fillCodes(db)) > 0);
	for (;;) {
		const leaseUntil = new Date(now().getTime() + DUPLICATE_SWEEP.leaseMs);
		const claimed = await claim(db, now(), leaseUntil, options.batch ?? DUPLICATE_SWEEP.batch);
		if (claimed.length === 0) return total;
		const compared = await compare(db, claimed);
		// Rows with no match (nearly all): marked in one statement; the others one transaction each.
		total.swept += await markSwept(
			db,
			compared.filter((row) => row.hits.length === 0),
			leaseUntil,
			now()
		);
		for (const row of compared.filter((r) => r.hits.length > 0)) {
			const result = await record(db, row, leaseUntil, now());
			total.swept += result.swept ? 1 : 0;
			total.flagged += result.flagged;
		}
	}
}

/**
 * Writes the codes of up to `batch` rows recorded before the sweep existed (they were searched when confirmed and
 * are not swept again, but until then every sweep compares them exactly); returns how many.
 */
async function fillCodes(db: Db, batch = 500): Promise<number> {
	const rows = await db
		.selectFrom('face_embeddings')
		.select(['outcome_id', 'vector'])
		.where('code', 'is', null)
		.limit(batch)
		.execute();
	if (rows.length === 0) return 0;
	const ids = rows.map((r) => r.outcome_id);
	const codes = rows.map((r) => faceCodeText(faceCode(decodeEmbedding(r.vector))));
	await sql`update face_embeddings as f set code = v.code::bit(512)
		from unnest(${ids}::integer[], ${codes}::text[]) as v(id, code)
		where f.outcome_id = v.id and f.code is null`.execute(db);
	return rows.length;
}

type Claimed = Omit<SweptRow, 'hits'> & { vector: Float32Array };

async function claim(db: Db, now: Date, leaseUntil: Date, batch: number): Promise<Claimed[]> {
	const rows = await db
		.updateTable('face_embeddings')
		.set({ sweep_lease_until: leaseUntil })
		.where(
			'outcome_id',
			'in',
			db
				.selectFrom('face_embeddings')
				.select('outcome_id')
				.where('swept_at', 'is', null)
				.where((eb) => eb.or([eb('sweep_lease_until', 'is', null), eb('sweep_lease_until', '<', now)]))
				.orderBy('outcome_id')
				.limit(batch)
				.forUpdate()
				.skipLocked()
		)
		.returning(['outcome_id', 'candidate_id', 'province', 'vector', 'code'])
		.execute();
	return rows.map((r) => {
		const vector = decodeEmbedding(r.vector);
		return {
			outcomeId: r.outcome_id,
			candidateId: r.candidate_id,
			province: r.province,
			vector,
			code: r.code ?? faceCodeText(faceCode(vector))
		};
	});
}

/**
 * For each claimed row, the province's rows whose code is within the cut of its own (or that have no code yet), in
 * one statement, then compared exactly: what the strict threshold matches.
 */
async function compare(db: Db, claimed: readonly Claimed[]): Promise<SweptRow[]> {
	const { rows } = await sql<{ probe: number; outcome_id: number; candidate_id: number; vector: Uint8Array }>`
		select c.probe, e.outcome_id, e.candidate_id, e.vector
		from unnest(${claimed.map((r) => r.outcomeId)}::integer[], ${claimed.map((r) => r.province)}::text[],
			${claimed.map((r) => r.candidateId)}::integer[], ${claimed.map((r) => r.code)}::text[])
			as c(probe, province, candidate_id, code)
		cross join lateral (${sweepCandidatesQuery(sql.ref('c.province'), sql.ref('c.candidate_id'), sql.ref('c.code'))}) as e`.execute(
		db
	);
	return claimed.map(({ vector, ...row }) => ({
		...row,
		hits: rows
			.filter((r) => r.probe === row.outcomeId)
			.map((r) => ({
				outcomeId: r.outcome_id,
				candidateId: r.candidate_id,
				similarity: cosineSimilarity(vector, decodeEmbedding(r.vector))
			}))
			.filter((hit) => hit.similarity >= FACE_MATCH.strict)
	}));
}

/**
 * The sweep's prefilter (the bench measures it): other candidates' rows of the province whose code is near
 * `code` (values or column references of an enclosing query).
 */
export function sweepCandidatesQuery(
	province: Expression<string> | string,
	candidateId: Expression<number> | number,
	code: Expression<string> | string
) {
	return sql<{ outcome_id: number; candidate_id: number; vector: Uint8Array }>`
		select outcome_id, candidate_id, vector from face_embeddings
		where province = ${province} and candidate_id <> ${candidateId}
			and (code is null or bit_count(code # ${code}::bit(512)) <= ${codeCutoff(FACE_MATCH.strict)})`;
}

/** Marks rows swept (writing the codes of rows that had none) while this instance's lease holds; returns how many. */
async function markSwept(db: Db, rows: readonly SweptRow[], leaseUntil: Date, now: Date): Promise<number> {
	if (rows.length === 0) return 0;
	const marked = await sql`update face_embeddings as f
		set swept_at = ${now}, sweep_lease_until = null, code = coalesce(f.code, v.code::bit(512))
		from unnest(${rows.map((r) => r.outcomeId)}::integer[], ${rows.map((r) => r.code)}::text[]) as v(id, code)
		where f.outcome_id = v.id and f.sweep_lease_until = ${leaseUntil}`.execute(db);
	return Number(marked.numAffectedRows ?? 0);
}

/** Flags the new pairs and marks the row swept, in the province's turn and only while the lease holds. */
async function record(
	db: Db,
	row: SweptRow,
	leaseUntil: Date,
	now: Date
): Promise<{ swept: boolean; flagged: number }> {
	return db.transaction().execute(async (tx) => {
		if (row.hits.length > 0) await takeProvinceTurn(tx, row.province);
		const mark = await tx
			.updateTable('face_embeddings')
			.set({
				swept_at: now,
				sweep_lease_until: null,
				code: sql<string>`coalesce(code, ${row.code}::bit(512))`
			})
			.where('outcome_id', '=', row.outcomeId)
			.where('sweep_lease_until', '=', leaseUntil)
			.returning('outcome_id')
			.executeTakeFirst();
		if (!mark || row.hits.length === 0) return { swept: !!mark, flagged: 0 };
		const fresh = await unflagged(tx, row);
		if (fresh.length === 0) return { swept: true, flagged: 0 };
		const self = { outcomeId: row.outcomeId, candidateId: row.candidateId };
		await flagDuplicates(
			tx,
			[
				{ outcomeId: row.outcomeId, reasons: fresh.map((hit) => duplicateFaceReason(hit, hit.similarity)) },
				...fresh.map((hit) => ({
					outcomeId: hit.outcomeId,
					reasons: [duplicateFaceReason(self, hit.similarity)]
				}))
			],
			now
		);
		return { swept: true, flagged: fresh.length };
	});
}

/** The hits that neither side's review reasons name yet (a search or an earlier sweep flagged the others). */
async function unflagged(tx: Db, row: SweptRow): Promise<SweptRow['hits']> {
	const outcomes = await tx
		.selectFrom('outcomes')
		.select(['id', 'review_reasons'])
		.where('id', 'in', [row.outcomeId, ...row.hits.map((h) => h.outcomeId)])
		.execute();
	const byId = new Map(outcomes.map((o) => [o.id, o]));
	/** Whether outcome `id`'s reasons name the other side (older reasons name only its candidate). */
	const names = (id: number, other: { outcomeId: number; candidateId: number }) => {
		const reasons = byId.get(id)?.review_reasons;
		return (Array.isArray(reasons) ? reasons : [])
			.filter(isDuplicateFaceReason)
			.some((r) =>
				r.otherOutcomeId === undefined
					? r.otherCandidateId === other.candidateId
					: r.otherOutcomeId === other.outcomeId
			);
	};
	// A hit whose outcome is gone (retention deleted the row meanwhile) has nothing left to flag.
	return row.hits.filter(
		(hit) => byId.has(hit.outcomeId) && !names(row.outcomeId, hit) && !names(hit.outcomeId, row)
	);
}
