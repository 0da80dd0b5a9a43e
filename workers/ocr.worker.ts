// ID card OCR off the main thread: comlink.expose over the core reader with the browser runtime
// (onnxruntime-web through src/lib/runtime/web-ort.ts). Models load once per worker, are warmed up in init(),
// and go away with the worker when the capture step ends (the page terminates it).
import * as Comlink from 'comlink';
import { env } from 'onnxruntime-web/wasm';
import type { CardSide } from '../src/lib/core/idcard/fields.ts';
import { createIdCardReader, type CardReading, type IdCardReader } from '../src/lib/core/idcard/reader.ts';
import type { ReadStage } from '../src/lib/core/idcard/read-stages.ts';
import { parseRegionTable } from '../src/lib/core/idcard/regions.ts';
import type { RgbaImage } from '../src/lib/core/image/types.ts';
import { createWebRuntime, type WebRuntime } from '../src/lib/runtime/web-ort.ts';

let reader: Promise<IdCardReader> | null = null;
let runtime: WebRuntime | null = null;

/** What crosses back to the page: the reading with the portrait as ImageData (transferred, not copied). */
export type WorkerReading = Omit<CardReading, 'portrait'> & { portrait: ImageData | null };

const api = {
	/** Loads and warms both models; `onProgress` gets bytes loaded / total over every file fetched so far. */
	async init(
		onProgress?: (loaded: number, total: number, id: string) => void,
		options: { numThreads?: number } = {}
	): Promise<{ runtime: string; crossOriginIsolated: boolean; threads: number }> {
		// numThreads: the app passes the core rule (client/workers.ts); unset, web-ort.ts decides (2 when isolated).
		const rt = (runtime ??= createWebRuntime({ onProgress, numThreads: options.numThreads }));
		// The dictionary and region table are data, not models: from our origin, checked against the manifest.
		reader ??= Promise.all([rt.fetchVerified('ocr.keys'), rt.fetchVerified('idcard.regions')]).then(
			async ([keys, table]) => {
				const dictionary = new TextDecoder().decode(keys);
				const r = createIdCardReader({ runtime: rt, dictionary, regions: parseRegionTable(table) });
				await r.warmUp();
				return r;
			}
		);
		await reader;
		// Threads: 2 when this worker is cross-origin isolated (web-ort.ts decides; reported for the benchmark).
		return {
			runtime: rt.name,
			crossOriginIsolated: self.crossOriginIsolated,
			threads: env.wasm.numThreads ?? 1
		};
	},

	/** `onStage` (a Comlink proxy) hears each step of the reading as it begins, for the page's progress. */
	async read(
		frame: ImageData | RgbaImage,
		options: { side?: CardSide; today?: string } = {},
		onStage?: (stage: ReadStage) => void
	): Promise<WorkerReading> {
		if (!reader) await api.init();
		const r = await (reader as Promise<IdCardReader>);
		const reading = await r.read(frame, { ...options, onStage: onStage && ((s) => void onStage(s)) });
		const portrait = reading.portrait
			? new ImageData(
					new Uint8ClampedArray(reading.portrait.data),
					reading.portrait.width,
					reading.portrait.height
				)
			: null;
		const result: WorkerReading = { ...reading, portrait };
		return portrait ? Comlink.transfer(result, [portrait.data.buffer]) : result;
	}
};

export type OcrWorkerApi = typeof api;
Comlink.expose(api);
