// The phone's side of liveness evidence (policy liveness.evidence 'frames'): the moments the server's nonce picks,
// the kept frame the liveness loop picked for each (core pickEvidenceFrames), each cropped around its face
// (evidenceCropBox) to EVIDENCE_FRAMES.size and encoded as JPEG, with the sha256 the bundle lists. The crops wait in
// the phone's IndexedDB with the signed bundle (a reload must not lose them) and are dropped once the server has
// recorded its verdict.
import type { Challenge } from '../core/bundle/schema.ts';
import { colourSequence } from '../core/liveness/colour.ts';
import type { DetectedFace } from '../core/face/types.ts';
import {
	EVIDENCE_FRAMES,
	evidenceCropBox,
	evidenceMoments,
	type EvidenceMoment
} from '../core/liveness/evidence.ts';
import type { Challenge as LivenessChallenge } from '../core/liveness/types.ts';
import type { ResolvedPolicy } from '../core/policy/resolve.ts';
import { sha256Hex } from './images.ts';

export interface KeptFrame {
	t: number;
	frame: ImageData;
	face: DetectedFace;
}

export interface EvidenceCrop {
	moment: EvidenceMoment;
	jpeg: Blob;
	sha256: string;
}

/**
 * The moments to crop in this session, as the server will expect them (the issued challenge's nonce and liveness
 * challenge, and each flash when the colour challenge runs), or undefined when the policy asks for no evidence.
 */
export function momentsToCrop(
	policy: ResolvedPolicy,
	challenge: Challenge,
	colourRuns: boolean
): EvidenceMoment[] | undefined {
	if (!policy.evidenceFrames) return undefined;
	return evidenceMoments(
		challenge.nonce,
		challenge.liveness as LivenessChallenge | undefined,
		policy.evidenceFrames.count,
		colourRuns ? colourSequence(challenge.nonce).length : 0
	);
}

/** The crops for the moments, in order, from the frame picked for each; null when a moment had no frame. */
export async function evidenceCrops(
	moments: readonly EvidenceMoment[],
	frames: readonly KeptFrame[] | null
): Promise<EvidenceCrop[] | null> {
	if (!frames || frames.length !== moments.length) return null;
	const { size, jpegQuality, maxBytes } = EVIDENCE_FRAMES;
	const crops: EvidenceCrop[] = [];
	for (const [k, { frame, face }] of frames.entries()) {
		const box = evidenceCropBox(face.box, frame.width, frame.height);
		const source = await createImageBitmap(frame, box.x, box.y, box.width, box.height);
		const canvas = new OffscreenCanvas(size, size);
		canvas.getContext('2d')!.drawImage(source, 0, 0, size, size);
		source.close();
		let jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: jpegQuality });
		if (jpeg.size > maxBytes) jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.6 });
		crops.push({ moment: moments[k], jpeg, sha256: await sha256Hex(jpeg) });
	}
	return crops;
}
