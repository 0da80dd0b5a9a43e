// Measures a camera frame off the main thread: the walking skeleton's proof that frames reach a worker.
import * as Comlink from 'comlink';
import { laplacianVariance, meanBrightness } from '../src/lib/core/image/stats.ts';

export interface FrameProbeResult {
	width: number;
	height: number;
	bytes: number;
	brightness: number;
	sharpness: number;
	ms: number;
}

const api = {
	probe(frame: ImageData): FrameProbeResult {
		const started = performance.now();
		const result = {
			width: frame.width,
			height: frame.height,
			bytes: frame.data.byteLength,
			brightness: meanBrightness(frame),
			sharpness: laplacianVariance(frame)
		};
		return { ...result, ms: performance.now() - started };
	}
};

export type FrameProbeApi = typeof api;
Comlink.expose(api);
