// The worker bridge's lifecycle on a real Node worker thread spoken to through comlink's node adapter: lazy start,
// model load with progress, queued calls, abort, idle termination, and a failed load that is tried again.
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createWorkerBridge, type WorkerBridge } from '../../../src/lib/client/worker-bridge.ts';

interface EchoApi {
	init(onProgress?: (loaded: number, total: number) => void): Promise<{ model: string; threadId: number }>;
	step(id: number, waitMs: number): Promise<number>;
	events(): string[];
	state(): { threadId: number; loaded: boolean };
	hang(): Promise<never>;
}

/** Starts real workers and records each one's exit, so a test waits for a termination instead of timing it. */
function harness(options: { idleMs?: number; failLoad?: () => boolean } = {}) {
	const started: Worker[] = [];
	const exits: Promise<number>[] = [];
	const bridge = createWorkerBridge<EchoApi, { model: string; threadId: number }>({
		start: () => {
			const worker = new Worker(new URL('./echo.worker.mjs', import.meta.url), {
				workerData: { failLoad: options.failLoad?.() ?? false }
			});
			started.push(worker);
			exits.push(new Promise((resolve) => worker.once('exit', resolve)));
			return { endpoint: nodeEndpoint(worker), terminate: () => void worker.terminate() };
		},
		load: (api, onProgress) => api.init(onProgress),
		idleMs: options.idleMs
	});
	bridges.push(bridge);
	return { bridge, started, exits };
}

const bridges: WorkerBridge<EchoApi, { model: string; threadId: number }>[] = [];
afterEach(() => {
	for (const bridge of bridges.splice(0)) bridge.dispose();
});

describe('createWorkerBridge', () => {
	test('starts no worker until used, then loads the models once with progress', async () => {
		const { bridge, started } = harness();
		expect(started).toHaveLength(0);
		expect(bridge.running).toBe(false);
		const progress: [number, number][] = [];
		const ready = await bridge.ready((loaded, total) => void progress.push([loaded, total]));
		expect(ready.model).toBe('echo');
		expect(progress).toEqual([
			[1, 2],
			[2, 2]
		]);
		expect(await bridge.ready()).toBe(ready);
		expect(await bridge.api.state()).toEqual({ threadId: ready.threadId, loaded: true });
		expect(started).toHaveLength(1);
	});

	test('a caller that comes during a load hears its progress from there (a screen after a warm-up)', async () => {
		const { bridge } = harness();
		const early = bridge.ready();
		const progress: [number, number][] = [];
		const late = await bridge.ready((loaded, total) => void progress.push([loaded, total]));
		expect(late).toBe(await early);
		// It heard the last figure, whether the load had reported part of it before it came or none yet.
		expect(progress.at(-1)).toEqual([2, 2]);
		expect(progress.length).toBeGreaterThan(0);
	});

	test('queues calls: the second starts after the first ends, though it would finish first side by side', async () => {
		const { bridge } = harness();
		const results = await Promise.all([bridge.api.step(1, 200), bridge.api.step(2, 0)]);
		expect(results).toEqual([1, 2]);
		expect(await bridge.api.events()).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
	});

	test('a call waits for a load in progress', async () => {
		const { bridge } = harness();
		void bridge.ready();
		expect((await bridge.api.state()).loaded).toBe(true);
	});

	test('abort rejects the pending call with its reason, terminates the worker, and the next call restarts it', async () => {
		const { bridge, started, exits } = harness();
		const first = await bridge.ready();
		const controller = new AbortController();
		const hung = bridge.call((api) => {
			const answer = api.hang();
			controller.abort(new Error('left the step'));
			return answer;
		}, controller.signal);
		await expect(hung).rejects.toThrow('left the step');
		await exits[0];
		expect(bridge.running).toBe(false);
		// A fresh worker with its models loaded again (the load was asked for once).
		const state = await bridge.api.state();
		expect(started).toHaveLength(2);
		expect(state.threadId).not.toBe(first.threadId);
		expect(state.loaded).toBe(true);
	});

	test('a call already aborted never reaches the worker', async () => {
		const { bridge, started } = harness();
		const controller = new AbortController();
		controller.abort(new Error('too late'));
		await expect(bridge.call((api) => api.step(1, 0), controller.signal)).rejects.toThrow('too late');
		expect(started).toHaveLength(0);
	});

	test('a call aborted while it waits in the queue rejects at once and never reaches the worker', async () => {
		const { bridge } = harness();
		const controller = new AbortController();
		const first = bridge.api.step(1, 200);
		const queued = bridge.call((api) => api.step(2, 0), controller.signal);
		controller.abort(new Error('left the step'));
		await expect(queued).rejects.toThrow('left the step');
		expect(await first).toBe(1);
		expect(await bridge.api.events()).toEqual(['start 1', 'end 1']);
	});

	test("abortable(signal)'s methods take the signal: aborting drops what a screen queued", async () => {
		const { bridge } = harness();
		const controller = new AbortController();
		const first = bridge.api.step(1, 200);
		const queued = bridge.abortable(controller.signal).step(2, 0);
		controller.abort(new Error('left the step'));
		await expect(queued).rejects.toThrow('left the step');
		expect(await first).toBe(1);
		expect(await bridge.api.events()).toEqual(['start 1', 'end 1']);
	});

	test('dispose rejects a call in flight instead of leaving it (and the queue behind it) waiting', async () => {
		const { bridge, exits } = harness();
		await bridge.ready();
		let sent = () => {};
		const inFlight = new Promise<void>((resolve) => (sent = resolve));
		const hung = bridge.call((api) => {
			const answer = api.hang();
			sent();
			return answer;
		});
		await inFlight;
		const queued = bridge.api.step(2, 0);
		bridge.dispose();
		await expect(hung).rejects.toThrow('worker stopped');
		await expect(queued).rejects.toThrow('worker stopped');
		await exits[0];
		expect(await bridge.api.step(3, 0)).toBe(3);
	});

	test('an idle worker is terminated, and started again on the next call', async () => {
		const { bridge, started, exits } = harness({ idleMs: 0 });
		expect(await bridge.api.step(1, 0)).toBe(1);
		await exits[0];
		expect(bridge.running).toBe(false);
		expect(await bridge.api.step(2, 0)).toBe(2);
		expect(started).toHaveLength(2);
	});

	test('a failed load stops its worker and is forgotten: the next ready() tries again on a fresh worker', async () => {
		let failures = 1;
		const { bridge, started, exits } = harness({ failLoad: () => failures-- > 0 });
		await expect(bridge.ready()).rejects.toThrow('model file missing');
		await exits[0];
		expect(bridge.running).toBe(false);
		// A call meanwhile runs on a worker without the models rather than failing.
		expect((await bridge.api.state()).loaded).toBe(false);
		expect((await bridge.ready()).model).toBe('echo');
		expect(started).toHaveLength(2);
	});
});

describe('createWorkerBridge in an engine before Chrome 100 (admitted from 91)', () => {
	// Chrome 91-97 keep no abort reason, and before 100 signals have no throwIfAborted.
	const removed = (['throwIfAborted', 'reason'] as const).map((name) => ({
		name,
		descriptor: Object.getOwnPropertyDescriptor(AbortSignal.prototype, name)!
	}));
	beforeAll(() => {
		for (const { name } of removed)
			delete (AbortSignal.prototype as unknown as Record<string, unknown>)[name];
	});
	afterAll(() => {
		for (const { name, descriptor } of removed)
			Object.defineProperty(AbortSignal.prototype, name, descriptor);
	});

	test('calls with a signal run, and an abort rejects with an AbortError, never with nothing', async () => {
		expect('throwIfAborted' in AbortSignal.prototype).toBe(false);
		const { bridge, started } = harness();
		const controller = new AbortController();
		expect(await bridge.call((api) => api.step(1, 0), controller.signal)).toBe(1);
		const first = bridge.api.step(2, 200);
		const queued = bridge.call((api) => api.step(3, 0), controller.signal);
		controller.abort(new Error('left the step'));
		await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
		await expect(bridge.call((api) => api.step(4, 0), controller.signal)).rejects.toMatchObject({
			name: 'AbortError'
		});
		expect(await first).toBe(2);
		expect(started).toHaveLength(1);
	});
});
