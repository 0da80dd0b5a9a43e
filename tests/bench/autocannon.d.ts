// The parts of autocannon 9's API that tests/bench/server.bench.ts uses (the package ships no types).
declare module 'autocannon' {
	interface Request {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
		setupRequest?: (req: Request) => Request;
	}
	interface Options {
		url: string;
		connections?: number;
		amount?: number;
		duration?: number;
		timeout?: number;
		requests?: Request[];
	}
	interface Histogram {
		p50: number;
		p99: number;
		max: number;
		average: number;
	}
	interface Result {
		'2xx': number;
		non2xx: number;
		errors: number;
		timeouts: number;
		duration: number;
		requests: Histogram & { sent: number };
		latency: Histogram;
		statusCodeStats?: Record<string, { count: number }>;
	}
	function autocannon(options: Options): Promise<Result>;
	export default autocannon;
}
