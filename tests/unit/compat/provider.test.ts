// Which provider the face models' heavy half runs on: WebGPU only on a hardware adapter outside the light mode,
// and the support override wins either way.
import { describe, expect, it } from 'vitest';
import { GPU_FACE_MODELS, inferenceProvider } from '../../../src/lib/core/compat/index.ts';

describe('inferenceProvider', () => {
	it('uses WebGPU on a hardware adapter', () => {
		expect(inferenceProvider({ adapter: 'hardware', light: false, override: null })).toBe('webgpu');
	});

	it('keeps WASM on a software adapter, without one, and in the light mode', () => {
		expect(inferenceProvider({ adapter: 'fallback', light: false, override: null })).toBe('wasm');
		expect(inferenceProvider({ adapter: null, light: false, override: null })).toBe('wasm');
		expect(inferenceProvider({ adapter: 'hardware', light: true, override: null })).toBe('wasm');
	});

	it('follows the override', () => {
		expect(inferenceProvider({ adapter: 'fallback', light: false, override: 'webgpu' })).toBe('webgpu');
		expect(inferenceProvider({ adapter: null, light: true, override: 'webgpu' })).toBe('webgpu');
		expect(inferenceProvider({ adapter: 'hardware', light: false, override: 'wasm' })).toBe('wasm');
	});

	it('sends only the per-step face models, never the per-frame detector', () => {
		expect(GPU_FACE_MODELS).toContain('face.feature');
		expect(GPU_FACE_MODELS).not.toContain('face.detect');
	});
});
