// A local HTTP SMS gateway for the tests of the HTTP sender (sms/http.ts): it records every request (the bearer
// token, the Idempotency-Key, the JSON body) and answers each as the test says: 200, 503, or not at all (held open
// until the gateway closes, as a gateway whose answer the server never hears).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayRequest {
	auth: string | undefined;
	key: string | undefined;
	body: { id?: string; to: string; text: string };
}

/** How the gateway answers its request number `index` (0 the first). */
export type GatewayAnswer = (index: number) => 'ok' | 'fail' | 'hold';

export function smsGateway(answer: GatewayAnswer = () => 'ok') {
	const requests: GatewayRequest[] = [];
	const held: ServerResponse[] = [];
	const waiters: (() => void)[] = [];
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		let raw = '';
		req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
		req.on('end', () => {
			const key = req.headers['idempotency-key'];
			const index = requests.length;
			requests.push({
				auth: req.headers.authorization,
				key: typeof key === 'string' ? key : undefined,
				body: JSON.parse(raw)
			});
			for (const wake of waiters.splice(0)) wake();
			const how = answer(index);
			if (how === 'hold') held.push(res);
			else res.writeHead(how === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end('{}');
		});
	});
	return {
		requests,
		/** What the candidate's phone receives: the first message of each id, every message without one. */
		delivered: () =>
			requests
				.filter((r, i) => !r.key || requests.findIndex((o) => o.key === r.key) === i)
				.map((r) => r.body),
		async listen(): Promise<string> {
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			return `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
		},
		async waitFor(count: number, timeoutMs: number): Promise<void> {
			const deadline = Date.now() + timeoutMs;
			while (requests.length < count) {
				if (Date.now() > deadline) throw new Error(`gateway: ${requests.length} of ${count} requests`);
				await new Promise<void>((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, 500);
				});
			}
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const res of held) res.destroy();
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
