// A face embedding's 512-bit code for the exhaustive duplicate sweep: the signs of the embedding after a fixed
// random rotation (three rounds of seeded sign flips and a Walsh-Hadamard transform). For a random rotation each
// bit of two embeddings differs with probability angle / π, whatever the data look like, so the number of
// differing bits between the codes of two faces at cosine c concentrates around 512 · acos(c) / π. A cut a few
// standard deviations above that at the strict threshold keeps every matching pair (the chance to lose one is
// computed, not tuned), while most strangers fall outside it: an exact cosine is then needed for few rows only.
// The approximate indexes (HNSW, hnswlib) lose matches depending on how a province's embeddings spread; this does not.

import { seededRng } from '../liveness/challenge.ts';

/** The code's size and its rotation's seed: changing either changes every stored code (migrate them first). */
export const FACE_CODE = { bits: 512, seed: 0x2d5a_f00d, rounds: 3, sigmas: 6 } as const;

const WORDS = FACE_CODE.bits / 32;

/** The rotation's sign flips, drawn once from the seed. */
const signs: Float32Array[] = (() => {
	const uniform = seededRng(FACE_CODE.seed);
	return Array.from({ length: FACE_CODE.rounds }, () =>
		Float32Array.from({ length: FACE_CODE.bits }, () => (uniform() < 0.5 ? -1 : 1))
	);
})();

/** In place, unnormalised: the signs are all the code keeps. */
function walshHadamard(x: Float64Array): void {
	for (let h = 1; h < x.length; h <<= 1)
		for (let i = 0; i < x.length; i += h << 1)
			for (let j = i; j < i + h; j++) {
				const a = x[j];
				const b = x[j + h];
				x[j] = a + b;
				x[j + h] = a - b;
			}
}

/** The code of a 512-d embedding: bit i (most significant first in each byte, as PostgreSQL's bit(512)) = sign of rotated value i. */
export function faceCode(embedding: ArrayLike<number>): Uint8Array {
	if (embedding.length !== FACE_CODE.bits)
		throw new Error(`face code: embedding has ${embedding.length} values, not ${FACE_CODE.bits}`);
	const x = Float64Array.from(embedding);
	for (const flip of signs) {
		for (let i = 0; i < x.length; i++) x[i] *= flip[i];
		walshHadamard(x);
	}
	const code = new Uint8Array(FACE_CODE.bits / 8);
	for (let i = 0; i < x.length; i++) if (x[i] > 0) code[i >> 3] |= 0x80 >> (i & 7);
	return code;
}

/** The code as PostgreSQL's bit-string text ('0101…'), for a bit(512) parameter. */
export function faceCodeText(code: Uint8Array): string {
	let text = '';
	for (const byte of code) text += byte.toString(2).padStart(8, '0');
	return text;
}

const popcount = (x: number) => {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	x = (x + (x >>> 4)) & 0x0f0f0f0f;
	return Math.imul(x, 0x01010101) >>> 24;
};

/** Differing bits of two codes. */
export function codeDistance(a: Uint8Array, b: Uint8Array): number {
	const va = new DataView(a.buffer, a.byteOffset, a.byteLength);
	const vb = new DataView(b.buffer, b.byteOffset, b.byteLength);
	let d = 0;
	for (let w = 0; w < WORDS; w++) d += popcount(va.getUint32(w * 4) ^ vb.getUint32(w * 4));
	return d;
}

/**
 * The most differing bits a pair at cosine `threshold` is expected to show, plus FACE_CODE.sigmas standard
 * deviations of a binomial count: at 6 the chance that a pair at the threshold falls outside is ~1e-9 per pair, and
 * pairs above the threshold are further inside. The bits of one rotation are not quite independent: the unit test
 * checks the spread on data of three shapes, the duplicates bench at a million rows.
 */
export function codeCutoff(threshold: number): number {
	const p = Math.acos(Math.min(1, Math.max(-1, threshold))) / Math.PI;
	const n = FACE_CODE.bits;
	return Math.ceil(n * p + FACE_CODE.sigmas * Math.sqrt(n * p * (1 - p)));
}
