// The dev-only benchmark page (/dev/bench, src/routes/dev/bench): its functions on `window.zvBench`, called from Node
// by the browser benchmarks and the specs that drive the real workers through it.
import type { Page } from '@playwright/test';

type Bench = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Calls `zvBench[name](...args)` in the page and returns what it resolves to. */
export const callBench = <T>(page: Page, name: string, ...args: unknown[]) =>
	page.evaluate(
		([n, a]) => (window as never as { zvBench: Bench }).zvBench[n as string](...(a as unknown[])),
		[name, args] as const
	) as Promise<T>;
