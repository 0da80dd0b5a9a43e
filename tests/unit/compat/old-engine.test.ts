// The core runs in the phone's page and workers, and the compatibility gate admits Chromium from 91 (WebAssembly
// SIMD), the kernel many phone browsers report. Here the built-ins Chrome 91 lacks are taken away while the
// reducer records a failure and a saved notice is read back (both once called one: a failure's report was lost,
// and a resumed session never left its loading screen).
import { describe, expect, it } from 'vitest';
import { createFlow, step, transition, type FlowEvent } from '../../../src/lib/core/flow/index.ts';
import { savedNotice } from '../../../src/lib/core/flow/notices.ts';

/** Built-ins newer than Chrome 91, each with the version that brought it. */
const LATER_BUILT_INS: [object, string, number][] = [
	[Array.prototype, 'at', 92],
	[String.prototype, 'at', 92],
	[Object, 'hasOwn', 93],
	[Array.prototype, 'findLast', 97],
	[Array.prototype, 'findLastIndex', 97],
	[globalThis, 'structuredClone', 98],
	[Array.prototype, 'toSorted', 110],
	[Array.prototype, 'toReversed', 110],
	[Array.prototype, 'toSpliced', 110],
	[Array.prototype, 'with', 110],
	[Object, 'groupBy', 117],
	[Promise, 'withResolvers', 119]
];

/** Runs `work` (synchronous) with those built-ins gone, and puts them back. */
function inChrome91<T>(work: () => T): T {
	const saved = LATER_BUILT_INS.map(([owner, name]) => Object.getOwnPropertyDescriptor(owner, name));
	for (const [owner, name] of LATER_BUILT_INS) delete (owner as Record<string, unknown>)[name];
	try {
		return work();
	} finally {
		LATER_BUILT_INS.forEach(([owner, name], i) => {
			if (saved[i]) Object.defineProperty(owner, name, saved[i]);
		});
	}
}

const T0 = Date.UTC(2026, 3, 1, 2, 0, 0);

describe('the core in an engine without the built-ins after Chrome 91', () => {
	it('takes them away for the test', () => {
		expect(inChrome91(() => LATER_BUILT_INS.filter(([owner, name]) => name in owner))).toEqual([]);
		expect([1, 2].at(-1)).toBe(2);
	});

	it('reports a liveness failure on the phone with its record', () => {
		let state = createFlow('hubei', T0);
		for (const event of [
			{ type: 'GIVE_CONSENT', terms: true, faceProcessing: true, at: T0 },
			{ type: 'CONFIRM_RECORD', at: T0 },
			{ type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 }
		] as FlowEvent[])
			state = transition(state, event);
		const failed = inChrome91(() => step(state, { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 }));
		expect(failed.effects).toEqual([{ type: 'report_failure', failure: failed.state.failures[0] }]);
	});

	it('reads a saved notice back, and refuses one it does not know', () => {
		expect(inChrome91(() => savedNotice({ code: 'terms_required' }))?.code).toBe('terms_required');
		expect(inChrome91(() => savedNotice({ code: 'toString' }))).toBeNull();
	});
});
