// Restoring a saved flow (IndexedDB after a reload): anything that is not a state this version wrote is dropped
// rather than trusted, so a stale or tampered record restarts the flow instead of skipping steps.
import { savedNotice } from './notices.ts';
import { findPolicy } from '../policy/index.ts';
import type { FlowState, FlowStatus } from './types.ts';

/** Every status, those a flow goes through in their order first, then the ends. */
export const FLOW_STATUSES: readonly FlowStatus[] = [
	'consent',
	'confirm_record',
	'id_capture',
	'liveness',
	'photo',
	'signature',
	'review',
	'submitting',
	'done',
	'attempt_failed',
	'manual_review',
	'contact_office',
	'on_site'
];

export function serializeFlow(state: FlowState): string {
	return JSON.stringify(state);
}

export function restoreFlow(saved: unknown): FlowState | null {
	let value = saved;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return null;
		}
	}
	if (!value || typeof value !== 'object') return null;
	const s = value as Partial<FlowState>;
	if (s.version !== 1 || typeof s.policyId !== 'string' || !findPolicy(s.policyId)) return null;
	if (!s.status || !FLOW_STATUSES.includes(s.status)) return null;
	if (!Array.isArray(s.idSides) || !Array.isArray(s.failures) || typeof s.photoUploads !== 'object')
		return null;
	if (typeof s.startedAt !== 'number' || typeof s.updatedAt !== 'number') return null;
	const count = (n: unknown) => n === undefined || (Number.isInteger(n) && (n as number) >= 0);
	if (!count(s.priorFailures) || !count(s.serverFailures)) return null;
	// An older version saved a notice with its words: only its code and detail are kept.
	return { ...s, notice: savedNotice(s.notice) } as FlowState;
}
