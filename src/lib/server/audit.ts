import type { Db } from './db/index.ts';
import { currentClient } from './request-context.ts';

export interface AuditEntry {
	actor: string;
	action: string;
	sessionId?: string | null;
	candidateId?: number | null;
	detail?: Record<string, unknown>;
}

export async function audit(db: Db, entry: AuditEntry): Promise<void> {
	await auditAll(db, [entry]);
}

/** The audit_log rows of some entries, with the address and user agent of the request being handled. */
export function auditRows(entries: readonly AuditEntry[]) {
	const client = currentClient();
	return entries.map((entry) => ({
		actor: entry.actor,
		action: entry.action,
		session_id: entry.sessionId ?? null,
		candidate_id: entry.candidateId ?? null,
		detail: JSON.stringify(entry.detail ?? {}),
		client_address: client?.address ?? null,
		user_agent: client?.userAgent?.slice(0, 256) ?? null
	}));
}

/** Several entries in one statement (one round trip inside a busy transaction). */
export async function auditAll(db: Db, entries: readonly AuditEntry[]): Promise<void> {
	if (entries.length === 0) return;
	await db.insertInto('audit_log').values(auditRows(entries)).execute();
}
