import { describe, expect, it } from 'vitest';
import { REQUEST_PROBLEMS, refusalOf } from '../../../src/lib/core/request-problems.ts';

describe('refusalOf', () => {
	it("keeps the server's own code and words, under error or at the top of the answer", () => {
		const words = { code: 'no_extensions_left', zh: '延长次数已用完', en: 'No extensions left' };
		expect(refusalOf({ error: words }, '409')).toEqual(words);
		expect(refusalOf(words, '409')).toEqual(words);
	});

	it("falls back to the given code and the catalogue's words when the server sent none", () => {
		for (const body of [{}, null, undefined, { error: {} }]) {
			expect(refusalOf(body, '403')).toEqual({
				code: '403',
				zh: REQUEST_PROBLEMS.refused.zh,
				en: REQUEST_PROBLEMS.refused.en
			});
		}
	});
});
