// Worker threads that are copies of the module starting them: the built server (an ES module chunk) starts
// `new Worker(import.meta.url)` with the module's role in workerData, and that copy only answers jobs
// (answerJobs). One bridge for the photo re-check workers and the duplicate search's face index worker.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

type Envelope<J> = { id: number; job: J };
type Reply<A> = { id: number; answer: A } | { id: number; error: string };

/** The jobs a worker took with it when it failed or exited: the caller decides what runs instead. */
export class WorkerGone extends Error {}

/** In the worker copy of a module of role `role`: answers every job with `handle`. False anywhere else. */
export function answerJobs<J, A>(role: string, handle: (job: J) => A | Promise<A>): boolean {
	if (isMainThread || !parentPort || (workerData as { role?: string } | null)?.role !== role) return false;
	const port = parentPort;
	port.on('message', ({ id, job }: Envelope<J>) => {
		Promise.resolve()
			.then(() => handle(job))
			.then(
				(answer) => port.postMessage({ id, answer } satisfies Reply<A>),
				(error: unknown) =>
					port.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
			);
	});
	return true;
}

/**
 * A worker running the module at `entry`. A TypeScript source (vitest, tsx) starts through tsx's loader, which a
 * worker does not inherit from its parent; the built server's chunks are JavaScript and start directly.
 */
function startModuleWorker(entry: URL, role: string): Worker {
	if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData: { role } });
	const tsx = tsxEsmApi();
	const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`;
	return new Worker(boot, { eval: true, workerData: { role } });
}

/** tsx's ES module API (its CommonJS build, which require would resolve, cannot register the loader). */
function tsxEsmApi(): string {
	const require = createRequire(import.meta.url);
	const manifest = require.resolve('tsx/package.json');
	const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
	return new URL(exports['./esm/api'].import.default, pathToFileURL(manifest)).href;
}

/** Jobs to one worker and their answers, in the order sent; a job the worker cannot answer rejects. */
export class WorkerChannel<J, A> {
	readonly #worker: Worker;
	readonly #pending = new Map<number, { resolve: (answer: A) => void; reject: (error: Error) => void }>();
	#nextId = 1;
	#gone: string | null = null;

	constructor(entry: URL, role: string, label: string, onGone: (why: string) => void = () => {}) {
		this.#worker = startModuleWorker(entry, role);
		// An idle worker does not keep the process alive (tests, a server shutting down).
		this.#worker.unref();
		this.#worker.on('message', (reply: Reply<A>) => {
			const job = this.#pending.get(reply.id);
			if (!job) return;
			this.#pending.delete(reply.id);
			if ('error' in reply) job.reject(new Error(reply.error));
			else job.resolve(reply.answer);
		});
		const gone = (why: string) => {
			if (this.#gone !== null) return;
			this.#gone = why;
			for (const job of this.#pending.values()) job.reject(new WorkerGone(why));
			this.#pending.clear();
			onGone(why);
		};
		this.#worker.on('error', (error) => {
			console.error(`${label} worker failed:`, error.message);
			gone(error.message);
		});
		this.#worker.on('exit', (code) => gone(`exited with ${code}`));
	}

	/** Jobs sent and not yet answered. */
	get pending(): number {
		return this.#pending.size;
	}

	/** `transfer`: buffers handed to the worker instead of copied (the caller no longer reads them). */
	request(job: J, transfer: ArrayBuffer[] = []): Promise<A> {
		if (this.#gone !== null) return Promise.reject(new WorkerGone(this.#gone));
		const id = this.#nextId++;
		return new Promise<A>((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			this.#worker.postMessage({ id, job } satisfies Envelope<J>, transfer);
		});
	}

	async terminate(): Promise<void> {
		await this.#worker.terminate();
	}
}
