// The identity authority's HTTP client against a real local HTTP server: token, wire format, timeout, retries, and
// the circuit breaker that stops waiting on an authority that keeps failing, and no redirect followed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAuthority } from '../../src/lib/server/authority/http.ts';
import { AuthorityUnavailable } from '../../src/lib/server/authority/types.ts';

let server: Server;
let url = '';
let behaviour: 'answer' | 'no_record' | 'fail' | 'hang' | 'garbage' | 'redirect' = 'answer';
let received: { authorization?: string; body: Record<string, unknown> }[] = [];
let paths: string[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			paths.push(req.url ?? '');
			received.push({
				authorization: req.headers.authorization,
				body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
			});
			const json = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (behaviour === 'answer') json(200, { similarity: 0.62 });
			else if (behaviour === 'no_record') json(200, { result: 'no_record' });
			else if (behaviour === 'fail') json(502, { error: 'upstream' });
			else if (behaviour === 'garbage') json(200, { similarity: 1e9 });
			else if (behaviour === 'redirect' && req.url === '/check') {
				res.writeHead(307, { location: '/elsewhere' });
				res.end();
			} else if (behaviour === 'redirect') json(200, { similarity: 0.99 });
			else setTimeout(() => res.destroy(), 5000).unref();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const request = {
	name: '王小明',
	idNumber: '110105199003071239',
	photoJpeg: new Uint8Array([0xff, 0xd8, 0xff, 1])
};

function client(now: () => number = Date.now) {
	return httpAuthority({
		url,
		token: 'secret',
		timeoutMs: 1500,
		retries: 1,
		breakerFailures: 2,
		breakerOpenMs: 30_000,
		now
	});
}

describe('the identity authority over HTTP', () => {
	it('sends name, ID number and the photo with the token; reads a similarity or no_record', async () => {
		behaviour = 'answer';
		received = [];
		const authority = client();
		expect(await authority.check(request)).toEqual({ kind: 'similarity', similarity: 0.62 });
		expect(received[0]).toEqual({
			authorization: 'Bearer secret',
			body: {
				name: '王小明',
				idNumber: '110105199003071239',
				photo: Buffer.from(request.photoJpeg).toString('base64')
			}
		});
		behaviour = 'no_record';
		expect(await authority.check(request)).toEqual({ kind: 'no_record' });
	});

	it('a redirect is not followed: the request goes nowhere else, and the check is unavailable', async () => {
		behaviour = 'redirect';
		paths = [];
		await expect(client().check(request)).rejects.toBeInstanceOf(AuthorityUnavailable);
		expect(paths).toEqual(['/check']);
	});

	it('a similarity outside [-1, 1] is not an answer', async () => {
		behaviour = 'garbage';
		await expect(client().check(request)).rejects.toBeInstanceOf(AuthorityUnavailable);
	});

	it('retries a 5xx and a timeout once; then the breaker opens and no request is sent until it closes', async () => {
		let clock = 1_000_000;
		const authority = client(() => clock);
		behaviour = 'fail';
		received = [];
		await expect(authority.check(request)).rejects.toBeInstanceOf(AuthorityUnavailable);
		expect(received).toHaveLength(2);
		behaviour = 'hang';
		await expect(authority.check(request)).rejects.toBeInstanceOf(AuthorityUnavailable);
		expect(received).toHaveLength(4);
		// Two failed checks in a row: open. The next is refused at once, without a request.
		behaviour = 'answer';
		await expect(authority.check(request)).rejects.toThrow('authority circuit open');
		expect(received).toHaveLength(4);
		clock += 30_001;
		expect(await authority.check(request)).toEqual({ kind: 'similarity', similarity: 0.62 });
		expect(received).toHaveLength(5);
	});
});
