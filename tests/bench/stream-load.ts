// A sustained load of prepared submissions for the server bench: `concurrency` requests in flight on kept-alive
// connections, the next sent as soon as one answers, so the servers see a steady stream as in a registration
// window rather than bursts that drain between rounds.
//
// With the server face engine every verification must be a first confirmation of its face (the duplicate search
// covers the province, and a duplicate is held for review, skipping the admission number and the password: cheaper,
// a flattering figure). The fixtures give only a few distinct people, so each person has at most one request in
// flight, and once it is answered `release` (the bench deletes that candidate's stored embedding) runs before the
// same person's next request is sent. Each request's latency runs from its send to its answer's last byte.
import { Agent, request } from 'node:http';

export interface StreamItem {
	origin: string;
	body: Buffer;
	type: string;
	/** Requests of one person never overlap, and `release` runs between them. */
	person: string;
}

export interface StreamResult {
	latencies: number[];
	sent: number;
	ok: number;
	errors: number;
	statusCodes: Record<string, number>;
	/** From the first send to the last answer. */
	seconds: number;
}

export async function streamLoad(
	items: StreamItem[],
	concurrency: number,
	release: (index: number) => Promise<void> = async () => {}
): Promise<StreamResult> {
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const result: StreamResult = { latencies: [], sent: 0, ok: 0, errors: 0, statusCodes: {}, seconds: 0 };
	const personFree = new Map<string, Promise<void>>();
	let next = 0;
	const started = performance.now();
	let lastAnswer = started;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			const item = items[index];
			const previous = personFree.get(item.person);
			let free!: () => void;
			personFree.set(item.person, new Promise<void>((resolve) => (free = resolve)));
			await previous;
			try {
				const sentAt = performance.now();
				result.sent++;
				const status = await post(agent, item).catch(() => 0);
				lastAnswer = performance.now();
				result.latencies.push(lastAnswer - sentAt);
				result.statusCodes[status] = (result.statusCodes[status] ?? 0) + 1;
				if (status >= 200 && status < 300) result.ok++;
				else result.errors++;
				await release(index);
			} finally {
				free();
			}
		}
	};
	try {
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	} finally {
		agent.destroy();
	}
	result.seconds = (lastAnswer - started) / 1000;
	return result;
}

/** POSTs one submission and reads its whole answer; resolves with the status (0 = no answer). */
function post(agent: Agent, item: StreamItem): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request(
			`${item.origin}/api/phone/submit`,
			{
				method: 'POST',
				agent,
				timeout: 30_000,
				headers: {
					'content-type': item.type,
					'content-length': item.body.length,
					origin: item.origin
				}
			},
			(res) => {
				res.on('data', () => {});
				res.on('end', () => resolve(res.statusCode ?? 0));
				res.on('error', reject);
			}
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end(item.body);
	});
}
