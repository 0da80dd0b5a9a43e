// What the server answers the phone's requests: declared once, so the service that builds an answer and the phone
// that reads it cannot drift apart.
import type { ExhaustedOutcome, LivenessColour, LivenessEvidence } from '../policy/types.ts';
import type { Challenge } from './schema.ts';

/** The registration record as the phone sees it. */
export interface CandidateRecord {
	name: string;
	idNumber: string;
	sex: string;
	ethnicity: string;
	birthDate: string;
	/** Masked after its first characters (maskAddress): the phone compares the card's address up to there. */
	address: string;
	/** Masked (maskPhone). */
	phone: string;
	major: string;
	examArea: string;
}

/** The answer to the phone opening its link. */
export interface OpenedSession {
	sessionId: string;
	province: string;
	challenge: Challenge;
	/**
	 * Whether the phone must send liveness evidence crops (the server's resolved policy, test mode included): the
	 * consent screen says so and the liveness step takes them only then.
	 */
	livenessEvidence: LivenessEvidence;
	/**
	 * Whether the phone runs the colour challenge (the server's resolved policy, test mode included). The sequence is
	 * the challenge nonce's (core colourSequence), so the server that issued the nonce knows it without sending it.
	 */
	livenessColour: LivenessColour;
	record: CandidateRecord;
	/** Counted failures the candidate already has (any session) and the province's limit (null = none). */
	attempts: { failures: number; max: number | null };
}

/** The answer to a reported failed attempt. */
export interface AttemptAnswer {
	/** Whether the province's limit counts this kind of failure. */
	counted: boolean;
	failures: number;
	max: number | null;
	/** null = no limit in this province. */
	attemptsLeft: number | null;
	/** What to do once the attempts are used up (set when this one used the last). */
	next: readonly ExhaustedOutcome[] | null;
	/** True when this report had already been received (the phone resent it). */
	duplicate: boolean;
}

/** The answer to a request for more time on the challenge. */
export interface ExtendAnswer {
	/** The challenge with its new expiry: the phone signs this one from now on. */
	challenge: Challenge;
	extensionsLeft: number;
}
