// ID card OCR off the main thread: comlink.expose over the core reader with the browser runtime
// (onnxruntime-web through src/lib/runtime/web-ort.ts). Models load once per worker, are warmed up in init(),
// and go away with the worker when the capture step ends (the page terminates it).
import * as Comlink from 'comlink';
import type { CardSide } from '../src/lib/core/idcard/fields.ts';
import { createIdCardReader, type CardReading, type IdCardReader } from '../src/lib/core/idcard/reader.ts';
import type { RgbaImage } from '../src/lib/core/image/types.ts';
import { createWebRuntime } from '../src/lib/runtime/web-ort.ts';

/** The dictionary is data, not a model: fetched from the same origin and checked against the staged manifest. */
async function loadDictionary(): Promise<string> {
	const manifest = (await (await fetch('/models/manifest.json')).json()) as {
		files: { id: string; file: string; sha256: string }[];
	};
	const entry = manifest.files.find((f) => f.id === 'ocr.keys');
	if (!entry) throw new Error('ocr.keys is not in /models/manifest.json; run `npm run models`');
	const bytes = await (await fetch(entry.file)).arrayBuffer();
	const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
		.map((b) => b.toString(16).padStart(2, '0'))
		.join('');
	if (digest !== entry.sha256) throw new Error(`ocr.keys: sha256 mismatch (${digest} ≠ ${entry.sha256})`);
	return new TextDecoder().decode(bytes);
}

let reader: Promise<IdCardReader> | null = null;

/** What crosses back to the page: the reading with the portrait as ImageData (transferred, not copied). */
export type WorkerReading = Omit<CardReading, 'portrait'> & { portrait: ImageData | null };

const api = {
	/** Loads and warms both models; `onProgress` gets download progress from the runtime (0..1). */
	async init(onProgress?: (loaded: number, total: number) => void): Promise<{ runtime: string }> {
		const runtime = createWebRuntime({ onProgress });
		reader ??= loadDictionary().then(async (dictionary) => {
			const r = createIdCardReader({ runtime, dictionary });
			await r.warmUp();
			return r;
		});
		await reader;
		return { runtime: runtime.name };
	},

	async read(
		frame: ImageData | RgbaImage,
		options: { side?: CardSide; today?: string } = {}
	): Promise<WorkerReading> {
		if (!reader) await api.init();
		const r = await (reader as Promise<IdCardReader>);
		const reading = await r.read(frame, options);
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
