import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/lib/core/bundle/canonical.ts';

describe('canonicalJson', () => {
	it('sorts keys at every depth and drops whitespace', () => {
		expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'z' } })).toBe(
			'{"a":{"c":"z","d":[3,{"x":2,"y":1}]},"b":1}'
		);
	});

	it('gives the same bytes whatever the insertion order', () => {
		expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
	});

	it('omits undefined members and keeps null', () => {
		expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
	});

	it('escapes strings as JSON does, including CJK', () => {
		expect(canonicalJson({ name: '王"小明' })).toBe('{"name":"王\\"小明"}');
	});

	it('refuses values JSON cannot represent faithfully', () => {
		expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
		expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
	});
});
