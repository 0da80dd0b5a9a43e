/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Workbox service worker: the app shell is precached at install; models and runtimes are cached on first use
// (they are large, so only a phone that reaches a step that needs them pays for them); pages fall back to cache.
import { build, files, version } from '$service-worker';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope;

const heavy = (path: string) => path.startsWith('/models/') || path.startsWith('/vendor/');

precacheAndRoute([...build, ...files.filter((f) => !heavy(f))].map((url) => ({ url, revision: version })));
cleanupOutdatedCaches();

// Staged files are content-checked by sha256 when loaded, so a cached copy is as good as the network's.
registerRoute(
	({ url, sameOrigin }) => sameOrigin && heavy(url.pathname),
	new CacheFirst({ cacheName: 'zv-models' })
);

registerRoute(
	({ request, sameOrigin }) => sameOrigin && request.mode === 'navigate',
	new NetworkFirst({ cacheName: 'zv-pages', networkTimeoutSeconds: 4 })
);

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
