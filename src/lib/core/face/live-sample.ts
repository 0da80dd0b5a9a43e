// The liveness loop's sample of one face: its embedding and its anti-spoof decision on the same frame.
import { antispoofDecision, type AntispoofResult } from './antispoof.ts';
import type { DetectedFace, FaceEmbedding, FaceEngine } from './types.ts';
import type { RgbaImage } from '../image/types.ts';

export interface FaceSample {
	embedding: FaceEmbedding;
	antiSpoof: AntispoofResult;
}

/**
 * How the liveness loop samples a kept frame: both networks on one frame, judged at the caller's anti-spoof
 * threshold. The face worker's sample(), or the client's split of the two networks over two workers.
 */
export type LiveSampler = (
	image: RgbaImage,
	face: DetectedFace,
	antiSpoofThreshold: number
) => Promise<FaceSample>;

/**
 * Judged at the caller's anti-spoof threshold (the province policy's, via resolvePolicy): there is no default, so
 * no phone decision can fall back to a threshold of its own.
 */
export async function sampleFace(
	engine: Pick<FaceEngine, 'embed' | 'liveness'>,
	image: RgbaImage,
	face: DetectedFace,
	antiSpoofThreshold: number
): Promise<FaceSample> {
	const embedding = await engine.embed(image, face);
	const antiSpoof = antispoofDecision(await engine.liveness(image, face), antiSpoofThreshold);
	return { embedding, antiSpoof };
}
