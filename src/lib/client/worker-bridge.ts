// One lifecycle for every worker: started on first use, calls queued one after another, a call aborted by its
// signal rejects at once and takes the worker down (a model run cannot be interrupted inside it), and a worker left
// idle is terminated so its models leave memory. The next call after any of these starts a fresh worker and loads
// its models again.
import * as Comlink from 'comlink';

/** A started worker: what comlink talks to, and how to stop it (a browser Worker, or a Node worker in tests). */
export interface StartedWorker {
	endpoint: Comlink.Endpoint;
	terminate(): void;
}

export type Progress = (loaded: number, total: number) => void;

/**
 * Why a signal was aborted. Engines before Chrome 98 (admitted from 91, many phone browsers' kernels) keep no
 * reason, and before 100 have no throwIfAborted: the bridge reads `aborted` and words the reason itself.
 */
const abortReason = (signal: AbortSignal): unknown =>
	signal.reason ?? new DOMException('The call was aborted', 'AbortError');

export interface WorkerBridgeOptions<Api, Ready> {
	/** Vite bundles a worker only when `new Worker(new URL(…))` is written at the call site, so the caller starts it. */
	start(): StartedWorker;
	/** Loads the models once per started worker; progress goes to the latest ready() caller that asked for it. */
	load?(api: Comlink.Remote<Api>, onProgress?: Progress): Promise<Ready>;
	/** Terminate after this long with nothing queued or running; unset keeps the worker until dispose(). */
	idleMs?: number;
}

export interface WorkerBridge<Api, Ready> {
	/** Runs one call on the worker after every call queued before it. */
	call<T>(fn: (api: Comlink.Remote<Api>) => Promise<T>, signal?: AbortSignal): Promise<T>;
	/** The worker's methods, each call queued as call() does. */
	readonly api: Comlink.Remote<Api>;
	/** The worker's methods with every call tied to `signal`: aborting it drops the calls still queued. */
	abortable(signal?: AbortSignal): Comlink.Remote<Api>;
	/** Starts the worker if needed and loads its models; a failed load stops the worker and is forgotten, so the next
	 * ready() tries again and calls meanwhile run on a worker without them. */
	ready(onProgress?: Progress): Promise<Ready>;
	/** Whether a worker is running now. */
	readonly running: boolean;
	dispose(): void;
}

export function createWorkerBridge<Api, Ready = void>(
	options: WorkerBridgeOptions<Api, Ready>
): WorkerBridge<Api, Ready> {
	interface Running {
		worker: StartedWorker;
		remote: Comlink.Remote<Api>;
		loading: Promise<Ready> | null;
		/** Rejects when this worker is stopped, so a call in flight on it never waits for an answer that cannot come. */
		stopped: Promise<never>;
		halt(reason: unknown): void;
	}
	let current: Running | null = null;
	let queue: Promise<unknown> = Promise.resolve();
	let pending = 0;
	let idleTimer: ReturnType<typeof setTimeout> | null = null;
	/** Once the models were asked for, a worker restarted after idling or an abort loads them again. */
	let wanted = false;
	/** Counts dispose() calls: a call queued before one is rejected, not run on the worker started after it. */
	let disposals = 0;
	/** Who hears the load's progress, and its last figure: a caller that comes during a load (a screen after a
	 * warm-up) takes over from there. */
	let progress: { listener?: Progress; last?: [number, number] } = {};
	const relay: Progress = (loaded, total) => {
		progress.last = [loaded, total];
		progress.listener?.(loaded, total);
	};

	const started = (): Running => {
		if (!current) {
			const worker = options.start();
			let halt: (reason: unknown) => void = () => {};
			const stopped = new Promise<never>((_, reject) => (halt = reject));
			stopped.catch(() => undefined);
			current = { worker, remote: Comlink.wrap<Api>(worker.endpoint), loading: null, stopped, halt };
		}
		return current;
	};

	const stop = (which: Running | null = current, reason: unknown = new Error('worker stopped')) => {
		if (!which || which !== current) return;
		current = null;
		which.halt(reason);
		which.remote[Comlink.releaseProxy]();
		which.worker.terminate();
	};

	const stopIdleTimer = () => {
		if (idleTimer) clearTimeout(idleTimer);
		idleTimer = null;
	};

	const armIdleTimer = () => {
		stopIdleTimer();
		if (options.idleMs === undefined || pending > 0 || !current) return;
		idleTimer = setTimeout(() => stop(), options.idleMs);
	};

	const ready = (onProgress?: Progress): Promise<Ready> => {
		wanted = true;
		const running = started();
		if (!running.loading) progress = { listener: progress.listener };
		if (onProgress) {
			progress.listener = onProgress;
			if (progress.last) onProgress(...progress.last);
		}
		if (!running.loading) {
			const load = options.load
				? options.load(running.remote, Comlink.proxy(relay))
				: Promise.resolve(undefined as Ready);
			running.loading = Promise.race([load, running.stopped]);
			load.catch((e: unknown) => {
				wanted = false;
				stop(running, e);
			});
			// Handled here so an unawaited load is not an unhandled rejection; callers still see it.
			running.loading.then(armIdleTimer, () => undefined);
		}
		return running.loading;
	};

	const call = <T>(fn: (api: Comlink.Remote<Api>) => Promise<T>, signal?: AbortSignal): Promise<T> => {
		pending++;
		stopIdleTimer();
		const queuedAt = disposals;
		const run = queue.then(async () => {
			if (signal?.aborted) throw abortReason(signal);
			if (disposals !== queuedAt) throw new Error('worker stopped');
			// A load in progress comes first; a failed one has stopped its worker and this call starts a fresh one.
			if (wanted && !current?.loading) void ready();
			await current?.loading?.catch(() => undefined);
			if (signal?.aborted) throw abortReason(signal);
			if (disposals !== queuedAt) throw new Error('worker stopped');
			const running = started();
			const onAbort = () => stop(running, signal && abortReason(signal));
			signal?.addEventListener('abort', onAbort, { once: true });
			try {
				return await Promise.race([fn(running.remote), running.stopped]);
			} finally {
				signal?.removeEventListener('abort', onAbort);
			}
		});
		queue = run.catch(() => undefined);
		const settled = run.finally(() => {
			pending--;
			armIdleTimer();
		});
		if (!signal) return settled;
		// Aborted while still queued: the caller hears at once; the call is skipped when its turn comes.
		settled.catch(() => undefined);
		let onAbort = () => {};
		const aborted = new Promise<never>((_, reject) => {
			onAbort = () => reject(abortReason(signal));
			signal.addEventListener('abort', onAbort, { once: true });
		});
		return Promise.race([settled, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
	};

	const abortable = (signal?: AbortSignal): Comlink.Remote<Api> =>
		new Proxy({} as Comlink.Remote<Api>, {
			get(_, name) {
				// Not a thenable: awaiting or returning the bridge's api must not call the worker.
				if (name === 'then' || typeof name === 'symbol') return undefined;
				return (...args: unknown[]) =>
					call(
						(remote) => (remote as Record<string, (...a: unknown[]) => Promise<unknown>>)[name](...args),
						signal
					);
			}
		});

	return {
		call,
		api: abortable(),
		abortable,
		ready,
		get running() {
			return current !== null;
		},
		dispose() {
			disposals++;
			wanted = false;
			progress = {};
			stopIdleTimer();
			stop();
		}
	};
}

/** A browser Worker as the bridge starts it. */
export const browserWorker = (worker: Worker): StartedWorker => ({
	endpoint: worker,
	terminate: () => worker.terminate()
});
