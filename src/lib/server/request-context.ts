// The client behind the request being handled (address, user agent), set once in the server hook, so every audit
// row records where an action came from without each service being handed it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestClient {
	address: string;
	userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestClient>();

export const withClient = <T>(client: RequestClient, run: () => T): T => storage.run(client, run);

/** The request's client, or null outside a request (jobs, tests calling services directly). */
export const currentClient = (): RequestClient | null => storage.getStore() ?? null;
