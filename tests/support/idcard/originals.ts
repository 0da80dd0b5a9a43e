// onnxruntime-node over the OCR models as published in the npm package, float32, before any staging transform
// (sha256 checked against models/manifest/ocr.json): what the staged, re-stored weights are measured against.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { InferenceRuntime, ModelSession } from '../../../src/lib/core/runtime.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';

export interface OcrManifestEntry {
	id: string;
	package: string;
	from: string;
	sha256: string;
	transforms?: string[];
}

export const ocrManifest = (): OcrManifestEntry[] =>
	JSON.parse(readFileSync('models/manifest/ocr.json', 'utf8')) as OcrManifestEntry[];

/** The npm package's file for a manifest entry, refused unless it is the one the manifest names. */
export function originalModel(entry: OcrManifestEntry): Buffer {
	const bytes = readFileSync(join('node_modules', entry.package, entry.from));
	if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256)
		throw new Error(`${entry.id}: the npm package's file is not the one the manifest names`);
	return bytes;
}

/** A runtime loading the OCR models from the npm originals (other ids: the staged files). */
export function originalsRuntime(): InferenceRuntime {
	const entries = ocrManifest();
	const sessions = new Map<string, Promise<ModelSession>>();
	return {
		name: `${nodeRuntime.name} (float32 originals)`,
		tensor: nodeRuntime.tensor,
		load(id) {
			const entry = entries.find((e) => e.id === id);
			if (!entry) return nodeRuntime.load(id);
			let s = sessions.get(id);
			if (!s) {
				s = ort.InferenceSession.create(originalModel(entry), {
					intraOpNumThreads: 2,
					graphOptimizationLevel: 'all'
				}) as unknown as Promise<ModelSession>;
				sessions.set(id, s);
			}
			return s;
		}
	};
}
