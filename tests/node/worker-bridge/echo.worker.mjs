// A real worker for the bridge's lifecycle test: a model load with progress, calls that take their time, a call
// that never answers. Plain JavaScript so Node runs it as a worker without a build step.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';

const events = [];
let loaded = false;

const api = {
	async init(onProgress) {
		if (workerData?.failLoad) throw new Error('model file missing');
		await onProgress?.(1, 2);
		await onProgress?.(2, 2);
		loaded = true;
		return { model: 'echo', threadId };
	},
	// The first call waits longer than the second: run side by side, the second would finish first.
	async step(id, waitMs) {
		events.push(`start ${id}`);
		await new Promise((resolve) => setTimeout(resolve, waitMs));
		events.push(`end ${id}`);
		return id;
	},
	events: () => events,
	state: () => ({ threadId, loaded }),
	hang: () => new Promise(() => {})
};

Comlink.expose(api, nodeEndpoint(parentPort));
