// The phone's final submission: verify the signed bundle, then record the outcome exactly once.
//
// The CPU-heavy work (signature, photo re-check, face embedding) runs before the transaction, on
// what the session held when the phone opened its link (key, challenge and ID number never change afterwards).
// The transaction then locks the session and the candidate, re-checks what may have changed (already recorded,
// limits) and records the outcome with recordOutcome (record-outcome.ts), in one statement.
import type { Message } from '../../core/text.ts';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson } from '../../core/bundle/canonical.ts';
import { chinaDay } from '../../core/china-time.ts';
import { isRecorded, type OutcomeResult, type ReviewStatus, type ShownOutcome } from '../../core/outcome.ts';
import { maskPhone } from '../../core/mask.ts';
import { manualReviewReasons } from '../../core/bundle/review.ts';
import { injectionNotes } from '../../core/liveness/injection.ts';
import { verifyBundle, type Rejection } from '../../core/bundle/verify.ts';
import type { FaceEngine } from '../../core/face/types.ts';
import type { PhotoSpec } from '../../core/photo/spec.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { serverFaceEngine } from '../face.ts';
import type { RecheckResult } from '../photo-recheck-pool.ts';
import { modelAllowList } from '../models.ts';
import { serverPolicy } from '../policy.ts';
import { authorityScale, identityAuthority, type IdentityAuthority } from '../authority/index.ts';
import { config } from '../config.ts';
import { checkRequiredAttachments, checkSignaturePng } from './attachments.ts';
import { duplicateFaceReason, findDuplicateFaces, flagEarlier, type DuplicateHit } from './duplicates.ts';
import { ServiceError } from './errors.ts';
import { gatherEvidence, type EvidenceInput, type EvidenceReason, type EvidenceVerdict } from './evidence.ts';
import { checkEvidenceFiles, checkLivenessEvidence } from './liveness-evidence.ts';
import {
	ATTEMPTS_EXHAUSTED,
	attemptsExhausted,
	checkPhotoCount,
	countFailure,
	countPhotoUpload,
	type AttemptState
} from './limits.ts';
import { alreadyConfirmed } from './outcome.ts';
import { wakePasswordJobs } from './password-jobs.ts';
import {
	alreadyRecorded,
	loadSessionForSubmission,
	lockSessionForSearch,
	sessionCandidate
} from './phone-session.ts';
import { checkHits, type RateRule } from './rate-limit.ts';
import { memoryFaceIndexes } from './face-index-memory.ts';
import { recordOutcome } from './record-outcome.ts';
import { answeredOutcome, isUuid, unknownSession } from './sessions.ts';
import { awaitingSweep } from './sweep-state.ts';

export interface Submission {
	bundle: unknown;
	photo?: Uint8Array;
	signature?: Uint8Array;
	/** Liveness evidence crops, in the bundle's order (policy liveness.evidence 'frames'); zeroed once judged. */
	evidence?: Uint8Array[];
}

export interface SubmitDeps {
	/**
	 * null = no face engine (no face count in the re-check, no duplicate check); absent = the server's own
	 * (ZV_SERVER_FACE), run by the re-check's worker threads in the built server.
	 */
	face?: FaceEngine | null;
	allowedModels?: ReadonlyMap<string, string>;
	/** The limit on submissions per session (the route's RATE_RULES.submit), counted by the first read; none if absent. */
	rateLimit?: RateRule;
	/** The identity authority; absent = the configured one (ZV_AUTHORITY_MODE). */
	authority?: IdentityAuthority;
	/**
	 * The server's evidence decision; absent = gatherEvidence (the face engine's match with the reference photo or
	 * the authority). Tests about recording alone pass a stand-in; tests/security runs the real one.
	 */
	evidence?: (db: Db, input: EvidenceInput) => Promise<EvidenceVerdict>;
}

export interface SubmitResult {
	/**
	 * Failed, held for manual review ('review'), confirmed, or `checking`: confirmed by the server's evidence and
	 * waiting for its last check (the province-wide duplicate sweep), which the status answer then tells.
	 */
	outcome: ShownOutcome;
	/** True when this exact bundle had already been recorded (the phone retried). */
	duplicate: boolean;
	/** 准考证号, once the confirmation is final (else the status answer tells it). */
	admissionNumber?: string;
	/** Where the admission number and one-time password were sent by SMS, masked (the password is never answered). */
	smsTo?: string;
	/** Failed attempts so far and the limit; `next` once they are used up. */
	attempts?: { failures: number; max: number | null; next: readonly string[] | null };
	/** Why the outcome is not a confirmation, for the candidate (zh-CN and English). */
	reasons?: Message[];
}

/**
 * The photo re-check: in the built server's worker threads (photo-recheck-pool.ts, imported on first use so that
 * the build gives it a chunk of its own for its workers to load), whose face engine is the server's; in-process
 * where there is no pool, or with the face engine a caller (a test) passes in `face`.
 */
export async function recheckPhoto(photo: Uint8Array, spec: PhotoSpec, face: FaceEngine | null | undefined) {
	const { photoRecheckPool, recheckInProcess } = await import('../photo-recheck-pool.ts');
	const pool = face === undefined ? photoRecheckPool() : null;
	if (pool) return pool.recheck(photo, spec);
	return recheckInProcess(photo, spec, face === undefined ? await serverFaceEngine() : face);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The face engine as the evidence needs it: loaded only when used (a stored reference embedding needs none). */
function evidenceFace(face: FaceEngine | null | undefined): (() => Promise<FaceEngine>) | null {
	if (face === null) return null;
	if (face) return async () => face;
	return config.serverFace ? () => serverFaceEngine()! : null;
}

function rejectionError(verdict: Rejection): ServiceError {
	const status = verdict.code === 'challenge_expired' ? 410 : verdict.code === 'photo_rejected' ? 422 : 400;
	return new ServiceError(status, verdict.code, verdict.zh, verdict.en);
}

/** A session already has its outcome: the same bundle again is acknowledged, anything else refused. */
async function replayAnswer(db: Db, sessionId: string, bundleSha: string): Promise<SubmitResult> {
	const existing = await db
		.selectFrom('outcomes as o')
		.select([
			'o.bundle_sha256',
			'o.result',
			'o.review_status',
			'o.admission_number',
			awaitingSweep(sql.ref('o.id')).as('awaiting_sweep')
		])
		.where('o.session_id', '=', sessionId)
		.executeTakeFirst();
	if (existing?.bundle_sha256 !== bundleSha) throw alreadyRecorded();
	// Told as the status answer tells it: not while the sweep is pending, nor once a duplicate or a reviewer holds it.
	return { ...answeredOutcome({ ...existing, status: existing.result }), duplicate: true };
}

export async function submitBundle(
	db: Db,
	sessionId: string,
	submission: Submission,
	now = new Date(),
	deps: SubmitDeps = {}
): Promise<SubmitResult> {
	if (!isUuid(sessionId)) throw unknownSession();
	let candidateId: number | null = null;
	try {
		const result = await submitVerified(db, sessionId, submission, now, deps, (id) => (candidateId = id));
		return result;
	} catch (error) {
		// Refusals for no such session or too many submissions leave no audit row: a flood of them writes nothing more.
		if (error instanceof ServiceError && error.code !== 'unknown_session' && error.code !== 'rate_limited') {
			await audit(db, {
				actor: 'phone',
				action: 'bundle.rejected',
				sessionId,
				candidateId,
				detail: { code: error.code }
			});
		}
		throw error;
	} finally {
		// The liveness crops are deleted as soon as the verdict is recorded (or the bundle refused): they were only
		// ever in this request's memory, and nothing keeps them beyond it.
		for (const crop of submission.evidence ?? []) crop.fill(0);
	}
}

async function submitVerified(
	db: Db,
	sessionId: string,
	submission: Submission,
	now: Date,
	deps: SubmitDeps,
	setCandidate: (id: number) => void
): Promise<SubmitResult> {
	const bundleSha = sha256(new TextEncoder().encode(canonicalJson(submission.bundle ?? null)));
	// The session, today's photo uploads and the rate limit's count in one statement: the early refusals before
	// any costly check.
	const hit = deps.rateLimit ? { key: `submit:${sessionId}`, rule: deps.rateLimit, now } : null;
	const { session, photoUploads, rateHits } = await loadSessionForSubmission(
		db,
		sessionId,
		submission.photo ? chinaDay(now.getTime()) : null,
		hit
	);
	if (hit) checkHits(hit, rateHits ?? 0);
	setCandidate(session.candidate_id);
	if (isRecorded(session.status)) return replayAnswer(db, sessionId, bundleSha);
	if (session.candidate_confirmed) throw alreadyConfirmed();
	if (session.online_blocked) throw attemptsExhausted(session.online_blocked);

	const sp = serverPolicy(session.province);
	const { policy } = sp;
	if (submission.photo) checkPhotoCount(policy, photoUploads);

	const uploaded = {
		photoSha256: submission.photo ? sha256(submission.photo) : undefined,
		signatureSha256: submission.signature ? sha256(submission.signature) : undefined,
		evidenceSha256: submission.evidence?.length ? submission.evidence.map(sha256) : undefined
	};
	const photo = submission.photo;
	let recheck: RecheckResult | null = null;
	const verdict = await verifyBundle(submission.bundle, {
		sessionId,
		publicKey: session.device_public_key,
		challenge: session.challenge,
		expectedIdNumber: session.id_number,
		now,
		uploaded,
		allowedModels: deps.allowedModels ?? modelAllowList(),
		thresholds: sp.thresholds,
		// Always on: a bundle that leaves out a step the province requires is refused, never confirmed.
		requiredSteps: sp.requiredBundleSteps,
		recheckPhoto:
			photo && sp.photoSpec
				? async () => (recheck = await recheckPhoto(photo, sp.photoSpec!, deps.face)).reasons
				: undefined
	});
	// A photo that reached the re-check was a real, signed upload: it counts against the daily limit, also when the
	// submission is refused after it for another reason (else the limit would not bound the re-checks).
	const countRecheckedPhoto = () =>
		db.transaction().execute(async (tx) => {
			await countPhotoUpload(tx, policy, session.candidate_id, now);
			await audit(tx, {
				actor: 'phone',
				action: 'photo.upload',
				sessionId,
				candidateId: session.candidate_id
			});
		});
	if (!verdict.ok) {
		if (verdict.code === 'photo_rejected') await countRecheckedPhoto();
		throw rejectionError(verdict);
	}

	const claimedPassed = verdict.payload.steps.every((s) => s.passed);
	try {
		checkEvidenceFiles(sp, verdict.payload, submission.evidence ?? [], claimedPassed);
		// A bundle that claims success must bring the files the province keeps (a failed one may stop before them).
		if (claimedPassed) {
			checkRequiredAttachments(policy, submission);
			if (submission.signature) await checkSignaturePng(submission.signature);
		}
	} catch (error) {
		if ((recheck as RecheckResult | null) !== null) await countRecheckedPhoto();
		throw error;
	}
	// The phone's word decides only a failure; a confirmation needs the server's own evidence. Without any, the
	// submission waits for a person, unless the province's policy explicitly trusts the device (weaker).
	let evidence: EvidenceVerdict | null = claimedPassed
		? await (deps.evidence ?? gatherEvidence)(db, {
				policy,
				candidateId: session.candidate_id,
				name: session.name,
				idNumber: session.id_number,
				photo,
				embedding: (recheck as RecheckResult | null)?.embedding ?? null,
				face: evidenceFace(deps.face),
				authority: () => deps.authority ?? identityAuthority(db, authorityScale(policy))
			})
		: null;
	// With liveness evidence on, a photo that matches is not enough: the crops taken during the liveness check must
	// show the same live person doing the actions (core/liveness/evidence.ts).
	const photoEmbedding = (recheck as RecheckResult | null)?.embedding ?? null;
	const faceOf = evidenceFace(deps.face);
	let liveEvidence: Awaited<ReturnType<typeof checkLivenessEvidence>> | null = null;
	const matched = evidence?.decision === 'match' || evidence?.decision === 'weak';
	if (matched && sp.evidenceFrames && photoEmbedding && faceOf) {
		liveEvidence = await checkLivenessEvidence({
			sp,
			payload: verdict.payload,
			crops: submission.evidence ?? [],
			photoEmbedding,
			face: await faceOf()
		});
		const first = liveEvidence.findings[0];
		if (first) evidence = { decision: 'mismatch', reason: { code: first.code, zh: first.zh, en: first.en } };
	}
	const passed = claimedPassed && evidence?.decision !== 'mismatch';
	const evidenceReasons: EvidenceReason[] =
		evidence && evidence.decision !== 'match' ? [evidence.reason] : [];
	const untrusted =
		evidence?.decision === 'weak' || (evidence?.decision === 'none' && !policy.serverEvidence.trustDevice);
	const held = passed ? [...manualReviewReasons(verdict.payload), ...(untrusted ? evidenceReasons : [])] : [];
	// The re-check embedded the accepted photo's face when the server runs the face engine.
	const embedding = passed ? ((recheck as RecheckResult | null)?.embedding ?? null) : null;

	// Every statement here runs while the session's and the candidate's rows are locked, so the transaction reads
	// what it needs in that one locking statement and records the outcome in one more (recordOutcome).
	const faces = memoryFaceIndexes(db);
	let indexed: { province: string; outcomeId: number } | null = null;
	const recording = db.transaction().execute(async (tx) => {
		// Locks the session's and the candidate's rows (one statement); the candidate's row is the lock that
		// serialises limits across sessions and server instances. With an embedding, the same statement gives the
		// province's duplicate search its turn and its settings.
		const { session: locked, indexed: hasVectors } = await lockSessionForSearch(tx, sessionId, embedding);
		if (isRecorded(locked.status)) return { replay: true as const };
		const candidate = sessionCandidate(locked);
		const candidateId = candidate.id;
		if (locked.online_blocked) throw attemptsExhausted(locked.online_blocked);

		let duplicates: DuplicateHit[] = [];
		if (embedding)
			duplicates = await findDuplicateFaces(
				tx,
				session.province,
				candidateId,
				embedding,
				undefined,
				undefined,
				hasVectors ?? undefined
			);
		const result: OutcomeResult = !passed
			? 'failed'
			: duplicates.length > 0 || held.length > 0
				? 'review'
				: 'confirmed';
		// A failure counts itself before it is written, so its outcome and event carry the review it may ask for.
		const attempts: AttemptState | null =
			result === 'failed' ? await countFailure(tx, policy, candidateId, 1) : null;
		const exhausted = attempts?.exhausted?.includes('manual_review') ?? false;
		const reviewStatus: ReviewStatus = result === 'review' || exhausted ? 'pending' : 'none';
		const accepted = {
			actor: 'phone',
			action: 'bundle.accepted',
			sessionId,
			candidateId,
			detail: {
				outcome: result,
				duplicates: duplicates.length,
				held: held.map((r) => r.code),
				evidence: evidence?.reason ?? null,
				...(liveEvidence
					? {
							livenessEvidence: {
								findings: liveEvidence.findings.map((f) => f.code),
								measures: liveEvidence.measures
							}
						}
					: {})
			}
		};
		const recorded = await recordOutcome(tx, {
			sessionId,
			candidate,
			record: {
				kind: 'new',
				bundleJson: JSON.stringify(submission.bundle),
				bundleSha256: bundleSha,
				reviewReasons:
					result === 'failed'
						? [...evidenceReasons, ...(exhausted ? [ATTEMPTS_EXHAUSTED] : [])]
						: [
								...held,
								...duplicates.map((d) => duplicateFaceReason(d, d.similarity)),
								// Notes for the reviewer: they hold nothing by themselves (the phone's claims).
								...injectionNotes(verdict.payload)
							]
			},
			result,
			reviewStatus,
			policy: sp,
			// The hashes computed for the signature check are the ones stored.
			files: (
				[
					['photo', submission.photo, uploaded.photoSha256],
					['signature', submission.signature, uploaded.signatureSha256]
				] as const
			).flatMap(([kind, bytes, hash]) => (bytes && hash ? [{ kind, sha256: hash, bytes }] : [])),
			embedding,
			photoUpload: photo !== undefined,
			audit: photo
				? [{ actor: 'phone', action: 'photo.upload', sessionId, candidateId }, accepted]
				: [accepted],
			now
		});
		// While the province is locked: its next search, waiting on the lock, finds this row in the index.
		if (embedding && faces) {
			indexed = { province: candidate.province, outcomeId: recorded.id };
			faces.add(indexed.province, indexed.outcomeId, Float32Array.from(embedding));
		}
		if (duplicates.length > 0)
			await flagEarlier(tx, duplicates, { candidateId, outcomeId: recorded.id }, now);
		const reasons = [
			...(result === 'confirmed' ? [] : evidenceReasons),
			...(exhausted ? [ATTEMPTS_EXHAUSTED] : [])
		].map(({ code, zh, en }) => ({ code, zh, en }));
		return { replay: false as const, result, reviewStatus, attempts, grant: recorded.grant, reasons };
	});
	const written = await recording.catch((error: unknown) => {
		// Rolled back: the row was never kept (outcome ids are not reused).
		if (indexed) faces?.remove(indexed.province, [indexed.outcomeId]);
		throw error;
	});
	if (written.replay) return replayAnswer(db, sessionId, bundleSha);

	const { result, reviewStatus, attempts, grant, reasons } = written;
	if (grant?.sms) wakePasswordJobs();
	// A face just recorded awaits the sweep: `checking`, and the number comes with the status answer once it is done.
	const answered = answeredOutcome({
		status: result,
		review_status: reviewStatus,
		awaiting_sweep: embedding !== null,
		admission_number: grant?.admissionNumber ?? null
	});
	return {
		...answered,
		duplicate: false,
		...(grant?.sms ? { smsTo: maskPhone(grant.sms.phone) } : {}),
		...(attempts
			? { attempts: { failures: attempts.failures, max: attempts.max, next: attempts.exhausted } }
			: {}),
		...(reasons.length ? { reasons } : {})
	};
}
