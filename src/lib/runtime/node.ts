// Node side of the runtime interface: onnxruntime-node over the files models/stage.mjs put in static/.
import * as ort from 'onnxruntime-node';
import type { InferenceRuntime, ModelSession, TensorLike } from '../core/runtime.ts';
import { readStagedFile } from './node-staged.ts';

export { loadManifest, readStagedFile, staticDir } from './node-staged.ts';

/** An onnxruntime-node runtime whose sessions are created with these options, each model loaded once. */
export function createNodeRuntime(options: ort.InferenceSession.SessionOptions): InferenceRuntime {
	const sessions = new Map<string, Promise<ModelSession>>();
	return {
		name: `onnxruntime-node@${ort.env.versions?.node ?? 'unknown'}`,
		load(modelId) {
			let session = sessions.get(modelId);
			if (!session) {
				const { bytes } = readStagedFile(modelId);
				session = ort.InferenceSession.create(bytes, options) as unknown as Promise<ModelSession>;
				// A failed load must not stay cached: the next call retries.
				session.catch(() => sessions.delete(modelId));
				sessions.set(modelId, session);
			}
			return session;
		},
		tensor(type, data, dims): TensorLike {
			return new ort.Tensor(type, data, dims as number[]);
		}
	};
}

/** Tests and the CLI: one image at a time, so two intra-op threads. */
export const nodeRuntime = createNodeRuntime({ intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
