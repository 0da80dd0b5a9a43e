// How the reader saves recognition work: lines packed into rows of one run, and label boxes known by position.
import { describe, expect, it } from 'vitest';
import { isTitleOrPhoto, labelAt, labelsByLayout } from '../../../src/lib/core/idcard/labels.ts';
import { packLines } from '../../../src/lib/core/idcard/ocr/recognize.ts';
import { sampleIntoChw } from '../../../src/lib/core/idcard/ocr/tensor.ts';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';

describe('packLines', () => {
	it('puts every line in a row, never overlapping, 16 px apart, within the common width', () => {
		const widths = [553, 408, 364, 250, 184, 125, 65, 49, 16];
		const { rowWidth, rows, at } = packLines(widths);
		// At least the widest line; here wider (712: 3 rows) needs fewer columns than 560 (4 rows, 2240).
		expect(rowWidth).toBe(712);
		expect(rows).toBeLessThan(widths.length);
		for (let r = 0; r < rows; r++) {
			const inRow = at.filter((p) => p.row === r).sort((a, b) => a.x - b.x);
			for (let i = 1; i < inRow.length; i++)
				expect(inRow[i].x).toBeGreaterThanOrEqual(inRow[i - 1].x + inRow[i - 1].width + 16);
			for (const p of inRow) expect(p.x + p.width).toBeLessThanOrEqual(rowWidth);
		}
		expect(at.map((p) => p.width)).toEqual(widths);
		// Padding is small: the rows hold the lines' own columns plus gaps and one ragged end each.
		const used = widths.reduce((a, b) => a + b, 0);
		expect(rows * rowWidth).toBeLessThan(used * 1.1);
	});

	it('gives a short single line a row of at least 320 columns', () => {
		expect(packLines([40])).toEqual({ rowWidth: 320, rows: 1, at: [{ row: 0, x: 0, width: 40 }] });
	});
});

describe('labels by layout (rectified 856x540 portrait side)', () => {
	const box = (x: number, y: number, width: number, height = 36) => ({ x, y, width, height });
	it('knows the printed labels by place and size', () => {
		expect(labelAt(box(64, 78, 65), 856, 540)).toBe('姓名');
		expect(labelAt(box(64, 134, 66), 856, 540)).toBe('性别');
		expect(labelAt(box(295, 134, 67), 856, 540)).toBe('民族');
		expect(labelAt(box(64, 188, 65), 856, 540)).toBe('出生');
		expect(labelAt(box(64, 241, 67), 856, 540)).toBe('住址');
		expect(labelAt(box(68, 433, 181), 856, 540)).toBe('公民身份号码');
	});

	it('reads (does not name) a label merged with its value, a value, or a box between rows', () => {
		expect(labelAt(box(293, 131, 142), 856, 540)).toBeNull(); // 民族汉
		expect(labelAt(box(165, 76, 96), 856, 540)).toBeNull(); // the name
		expect(labelAt(box(64, 110, 65), 856, 540)).toBeNull(); // halfway between 姓名 and 性别
		expect(labelAt(box(143, 392, 457), 856, 540)).toBeNull(); // 签发机关… on the emblem side
	});

	it('names neither of two boxes claiming one label', () => {
		expect(labelsByLayout([box(60, 78, 50), box(70, 80, 55), box(64, 188, 65)], 856, 540)).toEqual([
			null,
			null,
			'出生'
		]);
	});

	it('sets aside the emblem side titles and the photo, not the ethnicity value', () => {
		expect(isTitleOrPhoto(box(265, 89, 380, 49), 856, 540)).toBe(true); // 中华人民共和国
		expect(isTitleOrPhoto(box(282, 177, 437, 65), 856, 540)).toBe(true); // 居民身份证
		expect(isTitleOrPhoto(box(600, 200, 60), 856, 540)).toBe(true); // inside the photo
		expect(isTitleOrPhoto(box(400, 132, 112), 856, 540)).toBe(false); // 柯尔克孜 after 民族
		expect(isTitleOrPhoto(box(285, 433, 426), 856, 540)).toBe(false); // the number
		// A long 签发机关 value detected apart from its label: centre where a photo would be, but it starts far left.
		expect(isTitleOrPhoto(box(281, 396, 541, 29), 856, 540)).toBe(false);
	});
});

describe('sampleIntoChw', () => {
	it('writes planar BGR, normalised, and paper white outside the image', () => {
		const img: RgbaImage = {
			width: 2,
			height: 1,
			data: new Uint8ClampedArray([10, 20, 30, 255, 10, 20, 30, 255])
		};
		const dst = new Float32Array(3 * 4);
		const norm = { mean: [0, 0, 0], std: [1, 1, 1] } as const;
		// A region twice the image's width: the right half lies outside.
		sampleIntoChw(img, { x: 0, y: 0, width: 4, height: 1 }, 4, 1, norm, dst, 0, 4, 4);
		expect(Array.from(dst.subarray(0, 4))).toEqual([30, 30, 255, 255]); // B
		expect(Array.from(dst.subarray(4, 8))).toEqual([20, 20, 255, 255]); // G
		expect(Array.from(dst.subarray(8, 12))).toEqual([10, 10, 255, 255]); // R
	});
});
