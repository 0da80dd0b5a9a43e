// ID card OCR off the main thread: comlink.expose over the core reader with the browser runtime
// (onnxruntime-web through src/lib/runtime/web-ort.ts). Models load once per worker, are warmed up in init()
// and then in the background until a card comes, and go away with the worker when the capture step ends.
import * as Comlink from 'comlink';
import { env } from 'onnxruntime-web/wasm';
import type { CardSide } from '../src/lib/core/idcard/fields.ts';
import {
	afterQueuedMessages,
	createIdCardReader,
	WARM_UP_READS,
	type CardReading,
	type IdCardReader,
	type ReadTimings
} from '../src/lib/core/idcard/reader.ts';
import type { ReadStage } from '../src/lib/core/idcard/read-stages.ts';
import { parseRegionTable } from '../src/lib/core/idcard/regions.ts';
import type { RgbaImage } from '../src/lib/core/image/types.ts';
import { measured } from '../src/lib/runtime/measured.ts';
import { createWebRuntime, type WebRuntime } from '../src/lib/runtime/web-ort.ts';

// Each loading and warm-up step, and each card's wait before its read, is a performance entry named `ocr.*` (the
// first-read bench reads them from this worker): where the time before the first card goes.

let reader: Promise<IdCardReader> | null = null;
/** The warm-up still running after init() (it stops at its next step once a card is waiting). */
let settling: Promise<void> = Promise.resolve();
let cardsWaiting = 0;

let runtime: WebRuntime | null = null;

/** Whether a card is waiting, once the messages that came during the last model run are let in. */
const cardArrived = () => afterQueuedMessages(() => cardsWaiting > 0);

/** What crosses back to the page: the reading with the portrait as ImageData (transferred, not copied). */
export type WorkerReading = Omit<CardReading, 'portrait'> & { portrait: ImageData | null };

const api = {
	/** Loads and warms both models; `onProgress` gets bytes loaded / total over every file fetched so far. */
	async init(
		onProgress?: (loaded: number, total: number, id: string) => void,
		options: { numThreads?: number } = {}
	): Promise<{ runtime: string; crossOriginIsolated: boolean; threads: number }> {
		// numThreads: the app passes the core rule (client/workers.ts); unset, web-ort.ts decides (2 when isolated).
		// The reader's threads sleep between operators: on a 2-core phone both cores are its, and a spinning thread
		// would keep one from the page (and from the other thread, when something else runs) for nothing.
		const rt = (runtime ??= createWebRuntime({
			onProgress,
			numThreads: options.numThreads,
			spinning: false
		}));
		// The dictionary and region table are data, not models: from our origin, checked against the manifest.
		reader ??= measured('ocr.data', () =>
			Promise.all([rt.fetchVerified('ocr.keys'), rt.fetchVerified('idcard.regions')])
		).then(async ([keys, table]) => {
			const dictionary = new TextDecoder().decode(keys);
			const r = createIdCardReader({ runtime: rt, dictionary, regions: parseRegionTable(table) });
			await measured('ocr.models', () => Promise.all([rt.load('ocr.det'), rt.load('ocr.rec')]));
			// One warm-up read before the reader is ready (the runtime's buffers and first compilation at the
			// shapes real cards use); the rest settle in the background until a card comes, which goes first.
			let n = 0;
			const onRead = (t: ReadTimings) =>
				performance.measure(`ocr.warm-up read ${++n}`, {
					end: performance.now(),
					duration: t.total,
					detail: t.stages
				});
			await measured('ocr.warm-up', () => r.warmUp({ reads: 1, onRead }));
			settling = measured('ocr.warm-up settling', () =>
				r.warmUp({ reads: WARM_UP_READS - 1, yieldNow: cardArrived, onRead })
			).catch(() => undefined);
			return r;
		});
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
		cardsWaiting++;
		let reading: CardReading;
		try {
			const r = await measured('ocr.card wait', async () => {
				if (!reader) await api.init();
				const ready = await (reader as Promise<IdCardReader>);
				await settling;
				return ready;
			});
			reading = await r.read(frame, { ...options, onStage: onStage && ((s) => void onStage(s)) });
		} finally {
			cardsWaiting--;
		}
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
