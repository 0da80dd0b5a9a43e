// Row types for Kysely: one interface per table, matching migrations/*.sql.
import type { ColumnType, Generated } from 'kysely';

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
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface VerificationSessionsTable {
	id: string;
	candidate_id: number;
	province: string;
	status: Generated<string>;
	token_hash: string;
	token_expires_at: Timestamp;
	token_used_at: Timestamp | null;
	pc_secret_hash: string;
	device_public_key: ColumnType<JsonWebKey | null, string | null, string | null>;
	challenge: ColumnType<unknown, string | null, string | null>;
	created_at: Generated<Date>;
	completed_at: Timestamp | null;
}

export interface OutcomesTable {
	id: Generated<number>;
	session_id: string;
	candidate_id: number;
	result: string;
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
}

export interface Database {
	candidates: CandidatesTable;
	verification_sessions: VerificationSessionsTable;
	outcomes: OutcomesTable;
	audit_log: AuditLogTable;
}
