// Starts the built app (adapter-node's handler) behind a thin layer that adds the headers every response
// needs, static files included: cross-origin isolation (onnxruntime-web's WASM threads need it, and an
// isolated page may only start workers whose scripts carry COEP too) and no sniffing.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
// Without ORIGIN, SvelteKit's CSRF check refuses form posts; behind a proxy set ORIGIN or PROTOCOL_HEADER.
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) process.env.ORIGIN = `http://localhost:${port}`;

const { handler } = await import('../build/handler.js');

const server = createServer((req, res) => {
	res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
	res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
	res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
	res.setHeader('X-Content-Type-Options', 'nosniff');
	handler(req, res, () => {
		res.statusCode = 404;
		res.end('Not found');
	});
});
// An idle keep-alive connection outlives the client's (a balancer's, a browser's, Node's fetch): with Node's 5 s
// default a client could send its next request on a connection the server was closing that very moment, and get
// ECONNRESET (seen once in a CI run of tests/integration/http.test.ts).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, host, () => console.log(`Zikao Verify listening on http://localhost:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => server.close(() => process.exit(0)));
}
