/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Workbox service worker: the app shell is precached at install; models and runtimes are cached on first use
// (they are large, so only a phone that reaches a step that needs them pays for them); pages fall back to cache.
import { build, files, prerendered, version } from '$service-worker';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { STAGED_CACHE, STAGED_MANIFEST } from '$lib/runtime/web-staged';

declare const self: ServiceWorkerGlobalScope;

const heavy = (path: string) => path.startsWith('/models/') || path.startsWith('/vendor/');

// Prerendered pages (the candidate documents) are precached too, so the consent screen's links open offline.
const shell = [...build, ...files.filter((f) => !heavy(f)), ...prerendered];
precacheAndRoute(shell.map((url) => ({ url, revision: version })));
cleanupOutdatedCaches();

// The manifest says which staged bytes are current: from the network while there is one (a returning phone sees a
// new deployment's models), from the cache offline. Registered first, so the cache-first route below never has it.
registerRoute(
	({ url, sameOrigin }) => sameOrigin && url.pathname === `/${STAGED_MANIFEST}`,
	new NetworkFirst({ cacheName: STAGED_CACHE, networkTimeoutSeconds: 4 })
);

// Staged files are content-checked by sha256 when loaded, so a cached copy is as good as the network's.
registerRoute(
	({ url, sameOrigin }) => sameOrigin && heavy(url.pathname),
	new CacheFirst({ cacheName: STAGED_CACHE })
);

const PAGE_CACHE = 'zv-pages';

// What the server marks no-store (staff pages with a candidate's full record, the PC page of a signed-in candidate)
// is never kept: Cache Storage ignores that header, and a shared office or internet-café browser would otherwise
// show such a page after sign-out, offline or from its storage.
const storable = (response: Response) =>
	response.status === 200 && !/\bno-store\b/i.test(response.headers.get('cache-control') ?? '');
const keepOnlyStorable = {
	cacheWillUpdate: async ({ response }: { response: Response }) => (storable(response) ? response : null)
};

registerRoute(
	({ request, sameOrigin }) => sameOrigin && request.mode === 'navigate',
	new NetworkFirst({ cacheName: PAGE_CACHE, networkTimeoutSeconds: 4, plugins: [keepOnlyStorable] })
);

self.addEventListener('install', () => void self.skipWaiting());
// The page that installed the worker loaded before the worker controlled it, so its navigation never reached the
// page cache: store the open pages now, or a phone that goes offline right after its first visit could not reload.
async function cacheOpenPages(): Promise<void> {
	const cache = await caches.open(PAGE_CACHE);
	const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
	await Promise.all(
		windows.map(async (client) => {
			const url = new URL(client.url);
			if (url.origin !== self.location.origin || (await cache.match(url.href))) return;
			const response = await fetch(url.href, { credentials: 'same-origin' }).catch(() => null);
			if (response && storable(response)) await cache.put(url.href, response);
		})
	);
}

/** Pages an earlier version of this worker kept although they said no-store (it cached every page). */
async function dropUnstorablePages(): Promise<void> {
	const cache = await caches.open(PAGE_CACHE);
	for (const request of await cache.keys()) {
		const response = await cache.match(request);
		if (response && !storable(response)) await cache.delete(request);
	}
}

self.addEventListener('activate', (event) =>
	event.waitUntil(dropUnstorablePages().then(() => self.clients.claim().then(cacheOpenPages)))
);
