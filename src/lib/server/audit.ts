import type { Db } from './db/index.ts';

export async function audit(
	db: Db,
	entry: {
		actor: string;
		action: string;
		sessionId?: string | null;
		candidateId?: number | null;
		detail?: Record<string, unknown>;
	}
): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			actor: entry.actor,
			action: entry.action,
			session_id: entry.sessionId ?? null,
			candidate_id: entry.candidateId ?? null,
			detail: JSON.stringify(entry.detail ?? {})
		})
		.execute();
}
