// Face match: cosine similarity of L2-normalised embeddings against a threshold calibrated on the fixtures.
import type { FaceEmbedding } from './types.ts';

/**
 * Decision thresholds on cosine similarity for fr_feature embeddings, measured by tests/bench/face.bench.ts on
 * ../shared/fixtures/faces (models/notes/face.md). At `match` = 0.45: 0 false accepts over all 3,955
 * cross-identity pairs of the 91 single-face fixture photos (highest impostor 0.41; pairs.csv alone: 0.35), i.e.
 * an observed FAR of 0 and a 95 % upper bound of ~0.08 % (3/3955); true accepts 96.8 % of pairs.csv's 125 same-person pairs.
 * Against a grey, washed-out ~80 px "ID-card portrait" version of one side: 0 false accepts, 92.0 % true accepts.
 * `strict` is for comparisons where a false accept costs more than a retry or a manual review.
 */
export const FACE_MATCH = {
	modelId: 'face.feature',
	match: 0.45,
	strict: 0.55,
	calibration: {
		dataset: 'fixtures/faces (pairs.csv + all cross-identity pairs)',
		genuinePairs: 125,
		impostorPairs: 3955,
		falseAccepts: 0,
		trueAcceptRate: 0.968,
		targetFar: '< 0.1 % (0 of 3955 observed)'
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
