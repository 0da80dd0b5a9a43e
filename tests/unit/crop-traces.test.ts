// The search the privacy tests rely on finds a crop however it was stored: raw, hex, or base64 starting at any
// offset before it (base64 only holds a slice from a 3-byte boundary).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cropTraces } from '../support/crop-traces.ts';

describe('cropTraces', () => {
	const crop = randomBytes(3001);
	const traces = cropTraces([crop]);

	it('finds a crop stored raw, as hex, or as base64 after any prefix', () => {
		expect(traces.inBytes(Buffer.concat([randomBytes(17), crop, randomBytes(5)]))).toBe(true);
		expect(traces.inText(`{"x":"${crop.toString('hex')}"}`)).toBe(true);
		for (const prefix of [0, 1, 2, 3, 4, 5]) {
			const stored = Buffer.concat([randomBytes(prefix), crop]).toString('base64');
			expect(traces.inText(`{"photo":"${stored}"}`), `prefix ${prefix}`).toBe(true);
		}
	});

	it('finds nothing in other data', () => {
		const other = randomBytes(3001);
		expect(traces.inBytes(other)).toBe(false);
		expect(traces.inText(other.toString('base64') + other.toString('hex'))).toBe(false);
	});
});
