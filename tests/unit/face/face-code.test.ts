import { describe, expect, it } from 'vitest';
import {
	codeCutoff,
	codeDistance,
	FACE_CODE,
	faceCode,
	faceCodeText
} from '../../../src/lib/core/face/face-code.ts';
import { FACE_MATCH } from '../../../src/lib/core/face/match.ts';
import { seededRng } from '../../../src/lib/core/liveness/challenge.ts';

const DIM = FACE_CODE.bits;

function random(seed: number) {
	const uniform = seededRng(seed);
	const gaussian = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
	return { uniform, gaussian };
}

const unit = (v: Float64Array) => {
	const n = Math.hypot(...v);
	return v.map((x) => x / n);
};

/** A unit vector at exactly cosine `c` to unit vector `u`, the rest of it along `w` (made orthogonal to u). */
function atCosine(u: Float64Array, w: Float64Array, c: number): Float64Array {
	const dot = u.reduce((s, x, i) => s + x * w[i], 0);
	const o = unit(w.map((x, i) => x - dot * u[i]));
	return u.map((x, i) => c * x + Math.sqrt(1 - c * c) * o[i]);
}

/** Embedding shapes an approximate index finds hard or easy: the code must not care. */
const shapes: Record<string, (r: ReturnType<typeof random>) => Float64Array> = {
	isotropic: (r) => unit(Float64Array.from({ length: DIM }, r.gaussian)),
	// All the weight on a handful of coordinates: the worst case for signs of the raw values.
	sparse: (r) => {
		const v = new Float64Array(DIM);
		for (let k = 0; k < 4; k++) v[Math.floor(r.uniform() * DIM)] = r.gaussian();
		return unit(v);
	},
	// Everyone near one direction (a crowded group).
	crowded: (r) => {
		const centre = new Float64Array(DIM).fill(1 / Math.sqrt(DIM));
		return unit(centre.map((x) => 0.8 * x + (0.6 / Math.sqrt(DIM)) * r.gaussian()));
	}
};

describe('face code (the duplicate sweep prefilter)', () => {
	const cut = codeCutoff(FACE_MATCH.strict);

	it('keeps every pair at the strict threshold within the cut, whatever the shape of the data', () => {
		for (const [name, draw] of Object.entries(shapes)) {
			const r = random(name.length * 7919);
			let total = 0;
			let worst = 0;
			const pairs = 400;
			for (let k = 0; k < pairs; k++) {
				const u = draw(r);
				const v = atCosine(u, draw(r), FACE_MATCH.strict);
				const d = codeDistance(faceCode(u), faceCode(v));
				total += d;
				worst = Math.max(worst, d);
			}
			const expected = (DIM * Math.acos(FACE_MATCH.strict)) / Math.PI;
			expect(worst, name).toBeLessThanOrEqual(cut);
			expect(Math.abs(total / pairs - expected) / expected, name).toBeLessThan(0.05);
		}
	});

	it('leaves most strangers (cosine 0) outside the cut, so the exact comparison sees few rows', () => {
		const r = random(5);
		let outside = 0;
		for (let k = 0; k < 400; k++) {
			const u = shapes.isotropic(r);
			const v = atCosine(u, shapes.isotropic(r), 0);
			if (codeDistance(faceCode(u), faceCode(v)) > cut) outside++;
		}
		expect(outside / 400).toBeGreaterThan(0.95);
	});

	it('depends on the direction only: a scaled copy has the same code, the opposite one every bit flipped', () => {
		const u = shapes.isotropic(random(9));
		expect(codeDistance(faceCode(u), faceCode(u.map((x) => 3 * x)))).toBe(0);
		expect(codeDistance(faceCode(u), faceCode(u.map((x) => -x)))).toBe(DIM);
	});

	it('writes bit i as character i of the bit-string text', () => {
		const code = new Uint8Array(DIM / 8);
		code[0] = 0b1000_0001;
		code[63] = 0b0000_0001;
		const text = faceCodeText(code);
		expect(text).toHaveLength(DIM);
		expect([...text].flatMap((c, i) => (c === '1' ? [i] : []))).toEqual([0, 7, 511]);
	});

	it('refuses an embedding of another size', () => {
		expect(() => faceCode(new Float32Array(128))).toThrow(/128 values/);
	});

	it('puts the cut several spreads above the expected distance at the threshold', () => {
		const p = Math.acos(FACE_MATCH.strict) / Math.PI;
		expect(cut).toBeGreaterThan(DIM * p + 5 * Math.sqrt(DIM * p * (1 - p)));
		expect(cut).toBeLessThan(DIM / 2);
	});
});
