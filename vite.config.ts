import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { fixtureGate, PROJECT_DIRS } from './tests/support/fixture-gate.ts';
import FixtureNotice from './tests/support/fixture-notice.ts';

// The oldest engines the compatibility gate admits (WebAssembly SIMD). CSS is lowered to them: Vite's default
// target rewrote `min-width` queries into range syntax, which engines before Chrome 104 ignore. JavaScript keeps the
// default target (lowering it to Chrome 91 turns every private field into a WeakMap for a V8 bug about static
// fields); tests/node/shipped-syntax.test.ts refuses the shipped syntax Chrome 91 cannot parse instead.
const PHONE_FLOOR = ['chrome91', 'edge91', 'firefox91', 'safari16.4'];

// Cross-origin isolation lets onnxruntime-web use WASM threads (SharedArrayBuffer).
const isolationHeaders = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

// Without ../shared/fixtures (and not on CI) the test files that read them are left out, said in one line.
const excludedBy = (project: string) => fixtureGate([PROJECT_DIRS[project]]).exclude;

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 3000, headers: isolationHeaders },
	preview: { port: 3000, headers: isolationHeaders },
	build: { cssTarget: PHONE_FLOOR },
	worker: { format: 'es' },
	resolve: {
		alias: [
			{
				// The WebGPU build without its bundled loader: the loader and its 27 MB WASM are the staged, verified
				// copies under /vendor/ort/ (web-gpu.ts), and no second copy is emitted into every build.
				find: /^onnxruntime-web\/webgpu$/,
				replacement: fileURLToPath(
					new URL('./node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs', import.meta.url)
				)
			}
		]
	},
	optimizeDeps: { exclude: ['onnxruntime-web', '@mediapipe/tasks-vision'] },
	test: {
		reporters: ['default', new FixtureNotice()],
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					exclude: excludedBy('unit'),
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'node',
					include: ['tests/node/**/*.test.ts'],
					exclude: excludedBy('node'),
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 120_000
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					exclude: excludedBy('integration'),
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 60_000,
					fileParallelism: false
				}
			},
			{
				extends: true,
				test: {
					// Scripted clients against the built server (needs `npx vite build`, staged models, ../shared/fixtures).
					name: 'security',
					include: ['tests/security/**/*.test.ts'],
					exclude: excludedBy('security'),
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			}
		]
	}
});
