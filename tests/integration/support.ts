// Shared steps of the integration tests: registering candidates, opening a phone session, signing bundles.
import type {
	AttemptPayload,
	ConsentPayload,
	ExtendPayload,
	ReviewPayload,
	StatusPayload
} from '../../src/lib/core/bundle/request.ts';
import type { DocumentVersions } from '../../src/lib/core/documents/index.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { storeReferencePhoto } from '../../src/lib/server/services/reference-photos.ts';
import sharp from 'sharp';
import type { BundlePayload, Challenge, SignedBundle, StepResult } from '../../src/lib/core/bundle/schema.ts';
import {
	exportPublicKey,
	generateDeviceKey,
	signBundle,
	signPayload
} from '../../src/lib/core/bundle/sign.ts';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import { requiredBundleSteps } from '../../src/lib/core/policy/steps.ts';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { openPhoneLink, startSession } from '../../src/lib/server/services/sessions.ts';
import { upsertCandidate } from '../../src/lib/server/services/registration.ts';
import type { CandidateInput } from '../../src/lib/server/validation/candidate.ts';
import {
	submitBundle as submitService,
	type Submission,
	type SubmitDeps,
	type SubmitResult
} from '../../src/lib/server/services/submit.ts';
import { fixture } from '../support/fixtures.ts';

/** The registration photo and the signature the tests' bundles carry when the province takes them. */
export const TEST_PHOTO = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));

/** A handwritten-looking signature: a PNG with a dark stroke on white, as the phone's signature pad exports it. */
export async function inkedSignature(): Promise<Uint8Array> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><rect width="600" height="200" fill="#fff"/>
<path d="M40 140 C 120 20, 160 180, 240 90 S 380 40, 420 150 T 560 80" stroke="#111" stroke-width="6" fill="none"/></svg>`;
	return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
export const TEST_SIGNATURE = await inkedSignature();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const TEST_PHOTO_SHA = sha256(TEST_PHOTO);
const TEST_SIGNATURE_SHA = sha256(TEST_SIGNATURE);

/** The attachments a province's passing bundle names: the test photo and signature where the policy takes them. */
export function testAttachments(province: string): BundlePayload['attachments'] {
	const policy = getPolicy(province);
	return {
		...(policy.photo.kind !== 'none' ? { photoSha256: TEST_PHOTO_SHA } : {}),
		...(policy.signatureRequired ? { signatureSha256: TEST_SIGNATURE_SHA } : {})
	};
}

/**
 * A stand-in for the server's evidence (its face match with the reference photo or the authority), for tests about
 * what is recorded (rows, numbers, attempts, limits). The evidence itself is tested for real, with the face engine
 * on real faces, against the built server in tests/security.
 */
export const serverMatched: NonNullable<SubmitDeps['evidence']> = async () => ({
	decision: 'match',
	reason: { code: 'face_match', zh: '人脸比对通过', en: 'The face matches' }
});

/**
 * submitBundle as the phone calls it: the test photo and signature go with a bundle that names them (unless the
 * submission has the field, even undefined: a test of a missing file says so), and the evidence is the stand-in above unless the test passes another.
 */
export function submitBundle(
	db: Db,
	sessionId: string,
	submission: Submission,
	now?: Date,
	deps: SubmitDeps = {}
): Promise<SubmitResult> {
	const named = (submission.bundle as SignedBundle | null)?.payload?.attachments ?? {};
	return submitService(
		db,
		sessionId,
		{
			...submission,
			photo:
				'photo' in submission
					? submission.photo
					: named.photoSha256 === TEST_PHOTO_SHA
						? TEST_PHOTO
						: undefined,
			signature:
				'signature' in submission
					? submission.signature
					: named.signatureSha256 === TEST_SIGNATURE_SHA
						? TEST_SIGNATURE
						: undefined
		},
		now,
		{ evidence: serverMatched, ...deps }
	);
}

let serial = Math.floor(Math.random() * 900) + 100;

/** A fresh valid ID number (real check character) for a fictional woman born in 1995 on the 15th. */
export function newIdNumber(region = '420102'): string {
	const n = serial++;
	const month = String((Math.floor(n / 500) % 12) + 1).padStart(2, '0');
	const sequence = String(Math.floor((n % 500) / 5)).padStart(2, '0') + String((n % 5) * 2);
	const first17 = `${region}1995${month}15${sequence}`;
	return first17 + checkCharacter(first17);
}

/** The birth date a number encodes ('YYYY-MM-DD'): a record must agree with its number. */
export const birthOf = (idNumber: string) =>
	`${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;

export async function registerCandidate(
	db: Db,
	overrides: Partial<CandidateInput> = {}
): Promise<CandidateInput> {
	const idNumber = overrides.idNumber ?? newIdNumber();
	const record: CandidateInput = {
		idNumber,
		name: '测试考生',
		sex: '女',
		ethnicity: '汉',
		birthDate: birthOf(idNumber),
		address: '湖北省武汉市江岸区测试路1号',
		phone: '13900000000',
		major: '计算机科学与技术（本科）',
		examArea: '武汉市江岸区',
		province: 'hubei',
		...overrides
	};
	await upsertCandidate(db, record, 'test');
	// Where the province audits a pre-registration photo first (Fujian), the office has approved this candidate's:
	// sessions may start (the audit and the gate itself are tested in pre-registration.test.ts).
	if (getPolicy(record.province).preRegistration) await approvedPhotoFor(db, idNumber);
	return record;
}

/** The candidate's pre-registration photo as the office approves it: their reference photo (source pre_registration). */
export async function approvedPhotoFor(db: Db, idNumber: string): Promise<void> {
	const { id } = await db
		.selectFrom('candidates')
		.select('id')
		.where('id_number', '=', idNumber)
		.executeTakeFirstOrThrow();
	await storeReferencePhoto(db, id, {
		source: 'pre_registration',
		jpeg: TEST_PHOTO,
		sha256: TEST_PHOTO_SHA,
		embedding: null
	});
}

export async function openSession(db: Db, idNumber: string, now = new Date()) {
	const started = await startSession(db, idNumber, now);
	const keys = await generateDeviceKey();
	const opened = await openPhoneLink(db, started.token, await exportPublicKey(keys.publicKey), now);
	const required = requiredBundleSteps(getPolicy(opened.province));
	// The challenge the phone holds: replaced by the answer of an extension, as the phone does.
	let challenge: Challenge = opened.challenge;
	const base = () => ({
		version: 1 as const,
		sessionId: opened.sessionId,
		challenge,
		signedAt: new Date().toISOString()
	});
	/** Exactly these steps (to test what a bundle that leaves a step out gets). */
	const exactPayload = (
		steps: StepResult[],
		attachments: BundlePayload['attachments'] = {}
	): BundlePayload => ({
		...base(),
		candidate: { idNumber: opened.record.idNumber },
		steps,
		attachments,
		device: {}
	});
	/**
	 * The steps a test is about, completed with passing steps of every other kind the province requires, so each
	 * test states only what it checks (the server refuses a bundle that leaves a required step out).
	 */
	const payload = (
		steps: StepResult[],
		attachments: BundlePayload['attachments'] = testAttachments(opened.province)
	): BundlePayload => {
		const given = new Set(steps.map((s) => s.kind));
		const filled = required
			.filter((k) => !given.has(k as StepResult['kind']))
			.map((k) => step(k as StepResult['kind']));
		return exactPayload([...filled, ...steps], attachments);
	};
	const sign = (p: BundlePayload) => signBundle(p, keys.privateKey);
	/** A signed report of a failed step (POST /api/phone/attempt). */
	const attempt = (n: number, failed: StepResult) =>
		signPayload<AttemptPayload>(
			{
				...base(),
				type: 'attempt',
				candidate: { idNumber: opened.record.idNumber },
				attempt: n,
				step: failed
			},
			keys.privateKey
		);
	/** A signed extension request (POST /api/phone/challenge/extend). */
	const extend = (n: number) =>
		signPayload<ExtendPayload>({ ...base(), type: 'extend', extension: n }, keys.privateKey);
	/** A signed request for a manual review (POST /api/phone/review). */
	const review = () =>
		signPayload<ReviewPayload>(
			{ ...base(), type: 'review', candidate: { idNumber: opened.record.idNumber } },
			keys.privateKey
		);
	/** A signed consent naming the document versions accepted (POST /api/phone/consent). */
	const consent = (versions: DocumentVersions) =>
		signPayload<ConsentPayload>(
			{ ...base(), type: 'consent', versions, faceProcessing: true },
			keys.privateKey
		);
	/** A signed question where the recorded outcome stands (POST /api/phone/status). */
	const status = () => signPayload<StatusPayload>({ ...base(), type: 'status' }, keys.privateKey);
	const useChallenge = (next: Challenge) => (challenge = next);
	return {
		started,
		keys,
		opened,
		payload,
		exactPayload,
		sign,
		attempt,
		extend,
		review,
		consent,
		status,
		useChallenge
	};
}

/** A step result; a passed liveness step carries the ID-portrait similarity a phone measures (else: review). */
export const step = (
	kind: StepResult['kind'],
	passed = true,
	scores: Record<string, number> = kind === 'liveness' && passed ? { idPortraitSimilarity: 0.7 } : {},
	models: StepResult['models'] = []
): StepResult => ({
	kind,
	passed,
	scores,
	reasons: passed ? [] : ['test_failure'],
	models,
	details: {}
});

export async function countRows(
	db: Db,
	table: 'outcomes' | 'attachments' | 'sms_outbox' | 'outcome_events',
	where?: { sessionId?: string }
) {
	let q = db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
	if (where?.sessionId && table === 'outcomes')
		q = q.where('session_id' as never, '=', where.sessionId as never);
	return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Waits, when needed, until the next `ms` fall inside one window of a rate limit (windows follow the wall clock). */
export async function withinOneWindow(windowMs: number, ms: number): Promise<void> {
	const left = windowMs - (Date.now() % windowMs);
	if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
