import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { precompressDirectory } from './models/precompress.mjs';

const OUT = 'build';
const node = adapter({ out: OUT, precompress: true });

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Precompressed (gzip and brotli) at build time: the ONNX runtime's WASM goes from 14 MB to 2.4 MB with brotli.
		// The adapter's compress step is replaced by one that also compresses the models (.onnx) and caches its
		// copies by content, so a rebuild does not recompress the unchanged WASM.
		adapter: {
			...node,
			async adapt(builder) {
				let files = 0;
				const compress = async (/** @type {string} */ dir) => {
					files += await precompressDirectory(dir);
				};
				await node.adapt({ ...builder, compress });
				builder.log.minor(`Precompressed ${files} files`);
			}
		},
		alias: {
			$core: 'src/lib/core',
			$runtime: 'src/lib/runtime',
			$workers: 'workers'
		},
		// The phone never talks to a third party: every script, model and request is same-origin.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval', 'blob:'],
				'worker-src': ['self', 'blob:'],
				'connect-src': ['self'],
				'img-src': ['self', 'data:', 'blob:'],
				'media-src': ['self', 'blob:', 'mediastream:'],
				'style-src': ['self', 'unsafe-inline'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'frame-ancestors': ['none'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
