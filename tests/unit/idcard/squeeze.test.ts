// Per-row squeeze before recognition: only the portrait side's address rows (Chinese) go to 0.5; rows with
// digits, and every row of an emblem side or of a side not known in advance, stay at 0.7.
import { describe, expect, it } from 'vitest';
import {
	lineSqueeze,
	REC_WIDTH_SCALE,
	REC_WIDTH_SCALE_CHINESE
} from '../../../src/lib/core/idcard/squeeze.ts';
import { packLines, recognizeRegions } from '../../../src/lib/core/idcard/ocr/recognize.ts';
import type { InferenceRuntime, TensorLike } from '../../../src/lib/core/runtime.ts';
import { createImage } from '../../../src/lib/core/image/types.ts';

/** A box 30 px high centred on `cy` px of a 540 px high rectified card (the generator's text rows). */
const rowAt = (cy: number) => ({ x: 170, y: cy - 15, width: 300, height: 30 });

describe('lineSqueeze (rectified 856x540 portrait side)', () => {
	it('squeezes the three address rows to 0.5', () => {
		for (const cy of [260, 300, 340]) expect(lineSqueeze(rowAt(cy), 540, 'portrait')).toBe(0.5);
		expect(REC_WIDTH_SCALE_CHINESE).toBe(0.5);
	});

	it('keeps the name, sex/ethnicity, birth and number rows at 0.7', () => {
		for (const cy of [95, 150, 205, 450]) expect(lineSqueeze(rowAt(cy), 540, 'portrait')).toBe(0.7);
	});

	it('keeps every row at 0.7 on the emblem side or when the side is not known', () => {
		for (const cy of [95, 260, 340, 450]) {
			expect(lineSqueeze(rowAt(cy), 540, 'emblem')).toBe(REC_WIDTH_SCALE);
			expect(lineSqueeze(rowAt(cy), 540, undefined)).toBe(REC_WIDTH_SCALE);
		}
	});
});

describe('recognizeRegions with a squeeze per line', () => {
	it('sizes each line by its own squeeze and packs the rows from those widths', async () => {
		const dims: number[][] = [];
		// Records the input shape; answers all-blank CTC steps (this test is about the input, not the model).
		const runtime: InferenceRuntime = {
			name: 'shape-recorder',
			tensor: (type, data, d): TensorLike => ({ type, data, dims: d }),
			load: async () => ({
				inputNames: ['x'],
				outputNames: ['y'],
				run: async (feeds) => {
					const [n, , , w] = feeds.x.dims;
					dims.push([...feeds.x.dims]);
					const steps = w / 8;
					const data = new Float32Array(n * steps * 3);
					for (let i = 0; i < n * steps; i++) data[i * 3] = 1;
					return { y: { type: 'float32', data, dims: [n, steps, 3] } };
				}
			})
		};
		const image = createImage(856, 540);
		const box = { x: 0, y: 0, width: 480, height: 48 };
		await recognizeRegions(
			runtime,
			[
				{ image, box, widthScale: 0.5 },
				{ image, box }
			],
			['a', 'b'],
			0.7
		);
		// 480 px at height 48: 240 columns squeezed by 0.5, 336 by 0.7, packed as packLines packs them.
		const want = packLines([240, 336]);
		expect(dims).toEqual([[want.rows, 3, 48, want.rowWidth]]);
	});
});
