// The phone's in-progress state lives in IndexedDB, so a reload or a killed tab resumes at the same step.
// CryptoKey objects are stored as they are: the private key stays non-extractable. Blobs (the output photo, the
// signature PNG, the reading clip, the liveness evidence crops) are stored as Blobs and never leave the phone except
// the photo, the signature and, where the policy asks for them, the evidence crops.
import type { Message } from '../core/text.ts';
import type { Reason } from '../core/idcard/reasons.ts';
import { openDB, type DBSchema } from 'idb';
import type { CandidateRecord } from '../core/bundle/answers.ts';
import type { Challenge, SignedBundle, StepResult } from '../core/bundle/schema.ts';
import type { FlowState } from '../core/flow/index.ts';
import type { OutcomeResult } from '../core/outcome.ts';
import type { Challenge as LivenessChallenge } from '../core/liveness/index.ts';
import type { CardSide } from '../core/idcard/fields.ts';
import type { LivenessColour, LivenessEvidence } from '../core/policy/types.ts';
import type { BrowserCheck } from './compat.ts';
import type { EvidenceCrop } from './evidence-frames.ts';
import type { SideReading } from './idcard.ts';
import type { SignedAttempt, SignedConsent, SignedReview } from './phone-requests.ts';

export interface IdDraft {
	readings: Partial<Record<CardSide, SideReading>>;
	sources: Partial<Record<CardSide, 'camera' | 'album'>>;
	portrait?: ImageData;
}

/** The registration record the server sent when the link opened. */
export type PhoneRecord = CandidateRecord;

/** A photo the candidate chose or took, its checks, and the file that will be submitted. */
export interface PhotoEvidence {
	original: Blob;
	output: Blob;
	passed: boolean;
	reasons: Message[];
	measures: Record<string, string | number | boolean | null>;
}

export interface PhoneState {
	token: string;
	sessionId: string;
	province: string;
	record: PhoneRecord;
	challenge: Challenge;
	/** The liveness evidence the server asks for (its answer when the link was opened); absent: the policy's own. */
	livenessEvidence?: LivenessEvidence;
	/** The colour challenge setting the server asks for; absent: the policy's own. */
	livenessColour?: LivenessColour;
	keys: CryptoKeyPair;
	/** The core flow state (src/lib/core/flow), saved after every transition. */
	flow: FlowState;
	/** Results of each step as they will be signed (no images: scores, reasons, details). */
	results: Partial<Record<StepResult['kind'], StepResult>>;
	/** The liveness challenge of the current attempt, so a reload shows the same digits/actions. */
	liveness?: LivenessChallenge;
	/** The digit-reading clip: kept on the phone for the candidate, never uploaded. */
	clip?: Blob;
	photo?: PhotoEvidence;
	signature?: Blob;
	/**
	 * The liveness evidence crops of the passed check, listed in the signed bundle: kept until the server has
	 * recorded its verdict on the submission, then dropped.
	 */
	evidence?: EvidenceCrop[];
	/** The portrait cut from the ID card, for the face match in the liveness step: stays on the phone. */
	idPortrait?: ImageData;
	/** The browser check (src/lib/client/compat.ts), renewed at every load: it travels in the bundle. */
	compat?: BrowserCheck;
	/** A signed bundle waiting for the network (sent once when it comes back). */
	pending?: SignedBundle;
	/** Signed reports of failed attempts not yet acknowledged by the server (sent in order, when online). */
	attemptOutbox?: SignedAttempt[];
	/** The candidate's signed request for a manual review, until the server has it. */
	reviewRequest?: SignedReview;
	/** The signed consent with the document versions accepted, until the server has recorded it. */
	consentRecord?: SignedConsent;
	/** Challenge extensions granted so far (the next request says this + 1). */
	extensions?: number;
	extensionsLeft?: number;
	/** Server time minus phone time when the link was opened: the challenge's expiry is in server time. */
	clockOffsetMs?: number;
	/** ID sides read so far in the current ID step, so a reload does not lose a side already read. */
	idDraft?: IdDraft;
	outcome?: OutcomeResult;
	/** The server's reasons for an outcome other than confirmed (e.g. the photo does not match the reference). */
	outcomeReasons?: Reason[];
	/**
	 * A confirmation the server's last check (the province-wide duplicate sweep) has not yet cleared: the phone asks
	 * until it has, and shows the outcome it then learns.
	 */
	finalCheck?: boolean;
	updatedAt: number;
}

/** The device key made for a link, saved before the link is opened: a phone that loses the answer opens it again. */
export interface LinkKey {
	token: string;
	keys: CryptoKeyPair;
}

interface PhoneDb extends DBSchema {
	sessions: { key: string; value: PhoneState };
	linkKeys: { key: string; value: LinkKey };
}

const dbPromise = () =>
	openDB<PhoneDb>('zikao-verify', 2, {
		upgrade(db, oldVersion) {
			if (oldVersion < 1) db.createObjectStore('sessions', { keyPath: 'token' });
			if (oldVersion < 2) db.createObjectStore('linkKeys', { keyPath: 'token' });
		}
	});

export async function loadLinkKey(token: string): Promise<LinkKey | undefined> {
	return (await dbPromise()).get('linkKeys', token);
}

export async function saveLinkKey(key: LinkKey): Promise<void> {
	await (await dbPromise()).put('linkKeys', key);
}

export async function dropLinkKey(token: string): Promise<void> {
	await (await dbPromise()).delete('linkKeys', token);
}

export async function loadPhoneState(token: string): Promise<PhoneState | undefined> {
	return (await dbPromise()).get('sessions', token);
}

/** Statuses after which there is nothing left to resume on the phone. */
const FINISHED = new Set(['done', 'manual_review', 'contact_office', 'on_site']);

/** The newest session on this phone that is not finished: the start page offers to continue it. */
export async function resumableSession(): Promise<Pick<PhoneState, 'token' | 'province'> | null> {
	const all = await (await dbPromise()).getAll('sessions');
	const open = all
		.filter((s) => !FINISHED.has(s.flow.status))
		.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
	return open[0] ? { token: open[0].token, province: open[0].province } : null;
}

export async function savePhoneState(state: PhoneState): Promise<void> {
	await (await dbPromise()).put('sessions', { ...state, updatedAt: Date.now() });
}

/**
 * Forgets every session and link key this browser holds: on an exam-centre tablet each one is some earlier
 * candidate's (their record, ID number, card portrait, photo, signature and device key).
 */
export async function forgetAllSessions(): Promise<void> {
	const db = await dbPromise();
	const tx = db.transaction(['sessions', 'linkKeys'], 'readwrite');
	await Promise.all([tx.objectStore('sessions').clear(), tx.objectStore('linkKeys').clear(), tx.done]);
}
