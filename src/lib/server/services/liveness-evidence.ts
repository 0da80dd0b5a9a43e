// The liveness evidence crops (policy liveness.evidence 'frames'): the server's own face engine on each crop, judged
// by the core (core/liveness/evidence.ts). The crops live only in this request's memory: they are never written to
// the database, the disk or a log, and submit.ts zeroes them once the verdict is recorded.
import { cosineSimilarity } from '../../core/face/match.ts';
import type { FaceEngine } from '../../core/face/types.ts';
import type { BundlePayload } from '../../core/bundle/schema.ts';
import { colourSequence, regionMean, skinRegion } from '../../core/liveness/colour.ts';
import { colourCropsExpected, colourSkipOf } from '../../core/liveness/colour-support.ts';
import {
	evidenceMoments,
	judgeEvidence,
	momentFlash,
	type CropMeasure,
	type EvidenceFinding,
	EVIDENCE_FRAMES
} from '../../core/liveness/evidence.ts';
import type { Challenge as LivenessChallenge } from '../../core/liveness/types.ts';
import type { ResolvedPolicy } from '../../core/policy/resolve.ts';
import { decodeUploadJpeg } from '../../runtime/node-image.ts';
import { ServiceError } from './errors.ts';

/** A crop larger than this on either side is not one of the phone's crops. */
const MAX_CROP_SIDE = 2 * EVIDENCE_FRAMES.size;

/**
 * The moments the server expects crops at: the nonce's, and a crop per flash when the colour challenge must have run
 * (core colourCropsExpected: a phone's word that it skipped the challenge counts only where the policy allows one).
 */
export function expectedMoments(sp: ResolvedPolicy, payload: BundlePayload): string[] {
	const { nonce, liveness } = payload.challenge;
	const flashes = colourCropsExpected(sp.colour, colourSkipOf(payload)) ? colourSequence(nonce).length : 0;
	return evidenceMoments(nonce, liveness as LivenessChallenge | undefined, sp.evidenceFrames?.count, flashes);
}

/**
 * Refuses evidence crops the province does not ask for, and a passing bundle that lacks the crops it asks for
 * (before any costly check).
 */
export function checkEvidenceFiles(
	sp: ResolvedPolicy,
	payload: BundlePayload,
	crops: readonly Uint8Array[],
	claimedPassed: boolean
): void {
	if (!sp.evidenceFrames && crops.length > 0)
		throw new ServiceError(
			400,
			'evidence_not_accepted',
			'本省不接收活体检测画面：人脸画面只留在手机上',
			'This province does not take liveness frames: face frames stay on the phone.'
		);
	if (sp.evidenceFrames && claimedPassed && crops.length !== expectedMoments(sp, payload).length)
		throw new ServiceError(
			400,
			'evidence_missing',
			'缺少活体检测画面，请重新进行活体检测后提交',
			'The liveness frames are missing; do the liveness check again and submit.'
		);
}

async function measureCrop(
	face: FaceEngine,
	bytes: Uint8Array,
	moment: string,
	photoEmbedding: readonly number[]
): Promise<CropMeasure> {
	const none: CropMeasure = {
		moment,
		faceCount: 0,
		similarity: null,
		live: null,
		pose: null,
		mouthOpenness: null,
		skin: null
	};
	// Bounded before decoding: 24 KB of JPEG can declare a frame of several megapixels.
	const image = await decodeUploadJpeg(bytes, MAX_CROP_SIDE ** 2).catch(() => null);
	if (!image || image.width > MAX_CROP_SIDE || image.height > MAX_CROP_SIDE) return none;
	const m = await face.measure(image);
	if (m.faceCount !== 1 || !m.face) return { ...none, faceCount: m.faceCount };
	const embedding = await face.embed(image, m.face);
	return {
		moment,
		faceCount: 1,
		similarity: cosineSimilarity(embedding.vector, photoEmbedding),
		live: await face.liveness(image, m.face),
		pose: m.pose ?? null,
		mouthOpenness: m.mouthOpenness ?? null,
		// The phone's own skin region, from this engine's box and keypoints on the crop.
		skin: regionMean(image, skinRegion(m.face))
	};
}

export interface LivenessEvidenceVerdict {
	passed: boolean;
	findings: EvidenceFinding[];
	/** Rounded measures per crop, for the audit row and reviewers (no pixels). */
	measures: { moment: string; similarity: number | null; live: number | null }[];
}

/** The server's verdict on the crops against the moments the challenge's nonce picked. */
export async function checkLivenessEvidence(input: {
	sp: ResolvedPolicy;
	payload: BundlePayload;
	crops: readonly Uint8Array[];
	photoEmbedding: readonly number[];
	face: FaceEngine;
}): Promise<LivenessEvidenceVerdict> {
	const { sp, payload, crops } = input;
	const listed = payload.attachments.evidence ?? [];
	const expected = expectedMoments(sp, payload);
	const measured: CropMeasure[] = [];
	for (let i = 0; i < crops.length; i++)
		measured.push(await measureCrop(input.face, crops[i], listed[i]?.moment ?? '', input.photoEmbedding));
	const flashes = expected.some((m) => momentFlash(m) !== null);
	const verdict = judgeEvidence(
		measured,
		expected,
		sp.thresholds,
		flashes ? colourSequence(payload.challenge.nonce) : undefined
	);
	const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
	return {
		...verdict,
		measures: measured.map((m) => ({
			moment: m.moment,
			similarity: round(m.similarity),
			live: round(m.live)
		}))
	};
}
