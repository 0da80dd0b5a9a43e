// Face match: cosine similarity of L2-normalised embeddings against a threshold calibrated on the fixtures.
import type { FaceEmbedding } from './types.ts';

/**
 * Decision thresholds on cosine similarity for fr_feature embeddings. Calibrated in tests/bench/face.bench.ts
 * on ../shared/fixtures/faces/pairs.csv (401 pairs: 125 same, 276 different people); see models/notes/face.md.
 * `match` targets 0 false accepts over those 276 impostor pairs (FAR < 1/276, ~0.4 %) with a margin above the
 * highest impostor score; `strict` is for comparisons where a false accept costs more than a retry.
 */
export const FACE_MATCH = {
	modelId: 'face.feature',
	match: 0.4,
	strict: 0.5,
	calibration: {
		dataset: 'fixtures/faces/pairs.csv',
		genuinePairs: 125,
		impostorPairs: 276,
		targetFar: '0 of 276 impostor pairs'
	}
} as const;

export function l2normalize(v: Float32Array): Float32Array {
	let s = 0;
	for (let i = 0; i < v.length; i++) s += v[i] * v[i];
	const n = Math.sqrt(s) || 1;
	const out = new Float32Array(v.length);
	for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
	return out;
}

/** Cosine similarity, -1..1 (embeddings need not be normalised). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) throw new Error(`embedding length mismatch: ${a.length} vs ${b.length}`);
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (let i = 0; i < a.length; i++) {
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export interface FaceComparison {
	similarity: number;
	threshold: number;
	match: boolean;
}

/** Compares two embeddings of the same model; throws if they come from different models. */
export function compareFaces(
	a: FaceEmbedding,
	b: FaceEmbedding,
	threshold: number = FACE_MATCH.match
): FaceComparison {
	if (a.modelId !== b.modelId) throw new Error(`cannot compare ${a.modelId} with ${b.modelId} embeddings`);
	const similarity = cosineSimilarity(a.vector, b.vector);
	return { similarity, threshold, match: similarity >= threshold };
}
