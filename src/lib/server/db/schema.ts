// Row types for Kysely: one interface per table, matching migrations/*.sql.
import type { ColumnType, Generated } from 'kysely';
import type { OutcomeResult, ReviewStatus, SessionStatus } from '../../core/outcome.ts';
import type { StaffRole } from '../../core/staff-roles.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CandidatesTable {
	id: Generated<number>;
	id_number: string;
	name: string;
	sex: string;
	ethnicity: string;
	birth_date: string;
	address: string;
	phone: string;
	major: string;
	exam_area: string;
	province: string;
	admission_number: string | null;
	password_hash: ColumnType<string | null, string | null | undefined, string | null>;
	returning_candidate: ColumnType<boolean, boolean | undefined, boolean>;
	online_blocked: ColumnType<string | null, string | null | undefined, string | null>;
	attempts_reset_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
	/** Set by the outcome that confirmed the candidate (recordOutcome), in the row every recording path locks. */
	confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface VerificationSessionsTable {
	id: string;
	candidate_id: number;
	province: string;
	status: Generated<SessionStatus>;
	token_hash: string;
	token_expires_at: Timestamp;
	token_used_at: Timestamp | null;
	pc_secret_hash: string;
	device_public_key: ColumnType<JsonWebKey | null, string | null, string | null>;
	challenge: ColumnType<unknown, string | null, string | null>;
	created_at: Generated<Date>;
	completed_at: Timestamp | null;
	origin: Generated<string>;
	started_by: ColumnType<number | null, number | null | undefined, number | null>;
	/** Challenge extensions granted, and the expiry the last one extended from (its resend gets the same answer). */
	challenge_extensions: Generated<number>;
	extended_from: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OutcomesTable {
	id: Generated<number>;
	session_id: string;
	candidate_id: number;
	result: OutcomeResult;
	bundle: ColumnType<unknown, string, string>;
	bundle_sha256: string;
	recorded_at: Generated<Date>;
	review_status: Generated<ReviewStatus>;
	review_reasons: ColumnType<unknown, string | undefined, string>;
	review_comment: ColumnType<string | null, string | null | undefined, string | null>;
	reviewed_by: ColumnType<number | null, number | null | undefined, number | null>;
	reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	admission_number: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface FailedAttemptsTable {
	id: Generated<number>;
	session_id: string;
	candidate_id: number;
	attempt_no: number;
	step_kind: string;
	category: string;
	counted: boolean;
	bundle: ColumnType<unknown, string, string>;
	bundle_sha256: string;
	recorded_at: Generated<Date>;
}

export interface AuditLogTable {
	id: Generated<string>;
	at: Generated<Date>;
	actor: string;
	action: string;
	session_id: string | null;
	detail: ColumnType<unknown, string | undefined, string>;
	candidate_id: ColumnType<number | null, number | null | undefined, number | null>;
	client_address: ColumnType<string | null, string | null | undefined, string | null>;
	user_agent: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AttachmentsTable {
	id: Generated<number>;
	outcome_id: number;
	kind: 'photo' | 'signature';
	sha256: string;
	bytes: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
	deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	created_at: Generated<Date>;
}

export interface FaceEmbeddingsTable {
	outcome_id: number;
	candidate_id: number;
	exam_area: string;
	/** The candidate's province: the duplicate-identity search's scope. */
	province: string;
	/** The embedding's float32 values, big-endian (embeddingBytes in duplicates.ts). With pgvector, a trigger also
	 * keeps them as the column `face` (vector(512)) that the per-province HNSW indexes are built on. */
	vector: Uint8Array;
	/** The face code (core/face/face-code.ts) as bit(512): the duplicate sweep's prefilter; null on rows recorded
	 * before it, until the sweep fills it in. */
	code: string | null;
	/** When the exhaustive duplicate sweep compared this row with its province (services/duplicate-sweep.ts). */
	swept_at: Date | null;
	/** Until when a sweeping instance holds the row. */
	sweep_lease_until: Date | null;
	created_at: Generated<Date>;
}

export interface AdmissionCountersTable {
	province: string;
	year: number;
	next_value: number;
}

export interface SmsOutboxTable {
	id: Generated<number>;
	phone: string;
	body: string;
	via: string;
	status: Generated<string>;
	error: string | null;
	created_at: Generated<Date>;
}

export interface StaffUsersTable {
	id: Generated<number>;
	username: string;
	role: StaffRole;
	password_hash: string;
	exam_area: ColumnType<string | null, string | null | undefined, string | null>;
	/** A province id, or 'all' (core/staff-roles.ts ALL_PROVINCES). */
	province: string;
	disabled: Generated<boolean>;
	created_at: Generated<Date>;
	/** The authenticator app's secret (base32) once confirmed; null: the account has no second factor. */
	totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
	/** A secret being set up, until a code from it confirms it. */
	totp_pending: ColumnType<string | null, string | null | undefined, string | null>;
	/** The step of the last code taken (a bigint: read back as a string on PostgreSQL); a code is taken once. */
	totp_last_step: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export interface StaffSessionsTable {
	token_hash: string;
	user_id: number;
	expires_at: Timestamp;
	created_at: Generated<Date>;
	last_seen_at: Timestamp;
}

export interface RateLimitsTable {
	key: string;
	window_start: Timestamp;
	hits: number;
}

export interface OutcomeEventsTable {
	id: Generated<string>;
	outcome_id: number;
	payload: ColumnType<unknown, string, string>;
	delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	attempts: Generated<number>;
	last_error: string | null;
	created_at: Generated<Date>;
	lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	/** The polling API's number, given when a poll first sees the event committed (migration 036). */
	seq: ColumnType<string | null, never, string | null>;
}

/** A confirmation's one-time password waiting to be drawn, hashed and sent (migration 024). */
export interface PasswordJobsTable {
	outcome_id: number;
	candidate_id: number;
	lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	attempts: Generated<number>;
	last_error: string | null;
	sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	created_at: Generated<Date>;
}

export interface SmsLoginCodesTable {
	id: Generated<number>;
	candidate_id: number | null;
	id_number: string | null;
	phone: string | null;
	purpose: Generated<string>;
	salt: string;
	code_hash: string;
	expires_at: Timestamp;
	guesses: Generated<number>;
	used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
	created_at: Generated<Date>;
}

export interface ReferencePhotosTable {
	candidate_id: number;
	source: string;
	sha256: string;
	jpeg: Uint8Array | null;
	embedding: Uint8Array | null;
	received_at: Generated<Date>;
	embedded_at: Date | null;
	deleted_at: Date | null;
}

export interface PreRegistrationPhotosTable {
	id: Generated<number>;
	candidate_id: number;
	sha256: string;
	jpeg: Uint8Array | null;
	status: Generated<'pending' | 'approved' | 'rejected'>;
	reasons: ColumnType<unknown, string | undefined, string>;
	note: string | null;
	uploaded_at: Generated<Date>;
	decided_at: Date | null;
	decided_by: number | null;
}

export interface PcSignInsTable {
	token_hash: string;
	candidate_id: number;
	expires_at: Date;
}

/** A candidate's photo uploads on one China-time calendar day (the daily limit's count). */
export interface PhotoUploadsTable {
	candidate_id: number;
	/** YYYY-MM-DD in China Standard Time. */
	day: ColumnType<string, string, string>;
	uploads: number;
}

export interface Database {
	candidates: CandidatesTable;
	verification_sessions: VerificationSessionsTable;
	outcomes: OutcomesTable;
	audit_log: AuditLogTable;
	attachments: AttachmentsTable;
	face_embeddings: FaceEmbeddingsTable;
	admission_counters: AdmissionCountersTable;
	sms_outbox: SmsOutboxTable;
	staff_users: StaffUsersTable;
	staff_sessions: StaffSessionsTable;
	rate_limits: RateLimitsTable;
	outcome_events: OutcomeEventsTable;
	password_jobs: PasswordJobsTable;
	sms_login_codes: SmsLoginCodesTable;
	failed_attempts: FailedAttemptsTable;
	reference_photos: ReferencePhotosTable;
	pre_registration_photos: PreRegistrationPhotosTable;
	pc_sign_ins: PcSignInsTable;
	photo_uploads: PhotoUploadsTable;
}
