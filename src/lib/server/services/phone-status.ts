// Where a phone's recorded outcome stands now, for the phone that recorded it: a confirmation is final only once
// the server's last check (the province-wide duplicate sweep) has cleared it, and a duplicate or a reviewer may
// change it after the phone's submission was answered. Signed like every phone request, so only that phone asks.
// A final confirmation's answer carries the admission number, which the submission's answer leaves out until then.
import { SignedStatusSchema, verifyPhoneRequest, type StatusPayload } from '../../core/bundle/request.ts';
import type { ShownSessionStatus } from '../../core/outcome.ts';
import type { Db } from '../db/index.ts';
import { refuse } from './phone-requests.ts';
import { loadPhoneSession } from './phone-session.ts';
import { sessionWithOutcome, shownStatusOf, toldAdmissionNumber } from './sessions.ts';

/** How long after its challenge expired a phone may still ask (reading only; the answer names nothing new). */
const STATUS_GRACE_MS = 24 * 3_600_000;

export async function phoneSessionStatus(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<{ status: ShownSessionStatus; admissionNumber?: string }> {
	const session = await loadPhoneSession(db, sessionId, false);
	const verdict = await verifyPhoneRequest<StatusPayload>(input, SignedStatusSchema, {
		sessionId,
		publicKey: session.device_public_key,
		challenge: session.challenge,
		now,
		graceMs: STATUS_GRACE_MS
	});
	refuse(verdict);
	// The session exists (loaded above), so its row does.
	const row = (await sessionWithOutcome(db, sessionId))!;
	const admissionNumber = toldAdmissionNumber(row);
	return { status: shownStatusOf(row), ...(admissionNumber ? { admissionNumber } : {}) };
}
