// What the candidate can do when the server refuses a submission outright (a 4xx with a reason code, no outcome
// recorded). The server's own message says why; this table says what happens next, so the phone never waits on
// a submission that resending cannot get through.
import type { FlowStep } from '../policy/types.ts';

export type RefusalRemedy =
	/** The server asks to wait (its rate limit): the submission stays queued and is sent again. */
	| { then: 'resend' }
	/** The server named the evidence to redo: back to that step, then sign and submit again. */
	| { then: 'redo'; step: FlowStep }
	/** The server holds the online attempts as used up: the policy's way on (manual review, office, on site). */
	| { then: 'exhausted' }
	/** Resending cannot succeed (expired session, malformed or altered bundle, already recorded). */
	| { then: 'contact_office' };

/** Refusals whose server message tells the candidate to redo one step (the server's code -> that step). */
const REDO: Readonly<Record<string, FlowStep>> = {
	evidence_missing: 'liveness',
	photo_rejected: 'photo'
};

export function refusalRemedy(code: string): RefusalRemedy {
	if (code === 'rate_limited') return { then: 'resend' };
	if (code === 'attempts_exhausted') return { then: 'exhausted' };
	const step = REDO[code];
	return step ? { then: 'redo', step } : { then: 'contact_office' };
}
