// The phone's side of liveness evidence (policy liveness.evidence 'frames'): the kept frames the nonce's moments
// pick (core pickEvidenceFrames), each cropped around its face (evidenceCropBox) to EVIDENCE_FRAMES.size and
// encoded as JPEG, with the sha256 the bundle lists.
import type { DetectedFace } from '../core/face/types.ts';
import { EVIDENCE_FRAMES, evidenceCropBox, type EvidenceMoment } from '../core/liveness/evidence.ts';

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

async function sha256Hex(blob: Blob): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The crops for the moments, in order; null when a moment has no frame (the evidence cannot be sent). */
export async function evidenceCrops(
	moments: readonly EvidenceMoment[],
	frames: readonly KeptFrame[],
	picked: readonly number[]
): Promise<EvidenceCrop[] | null> {
	if (picked.some((i) => i < 0 || !frames[i])) return null;
	const { size, jpegQuality, maxBytes } = EVIDENCE_FRAMES;
	const crops: EvidenceCrop[] = [];
	for (const [k, i] of picked.entries()) {
		const { frame, face } = frames[i];
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
