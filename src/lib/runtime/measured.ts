// Named spans of the browser's work as performance entries (`performance.measure`), so a benchmark driving the page
// or a worker can read where a wait went without the app reporting anything anywhere.

/** Runs `work` and records its duration under `name`, whether it resolves or throws. */
export async function measured<T>(name: string, work: () => Promise<T>): Promise<T> {
	const start = performance.now();
	try {
		return await work();
	} finally {
		performance.measure(name, { start, end: performance.now() });
	}
}
