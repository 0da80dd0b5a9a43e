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

/** The name of a model run's span, before the model id (web-ort.ts; tests/bench/flow-compute.bench.ts adds them up). */
export const MODEL_SPAN = 'model ';

/**
 * As `measured`, for work run thousands of times in a session (each model run of the camera loop): the span goes to
 * a trace (DevTools, a benchmark's `blink.user_timing` trace) as it is recorded, then leaves the entry buffer, which
 * would otherwise grow for as long as a kiosk's worker lives.
 */
export async function traced<T>(name: string, work: () => Promise<T>): Promise<T> {
	try {
		return await measured(name, work);
	} finally {
		performance.clearMeasures(name);
	}
}
