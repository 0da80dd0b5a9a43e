// The photo step's work on the phone, outside the screen: the file rules, then the face worker's measurement and
// the photo worker's checks or processed photo (with its segmentation model, so any background can be replaced),
// and the comparisons the policy asks for. The screen renders the evidence this returns.
import { errorText } from './errors.ts';
import type { PhotoEvidence } from './phone-store.ts';
import type { PhotoSpec } from '../core/photo/spec.ts';
import type { PhotoReason } from '../core/photo/reasons.ts';
import { checkUploadFile } from '../core/photo/file-checks.ts';
import { resolve } from '../core/policy/resolve.ts';
import type { ProvincePolicy } from '../core/policy/types.ts';
import { portraitSimilarity } from './idcard.ts';
import { fileToImageData } from './images.ts';
import { faceWorker, photoWorker, segmentingPhotoWorker } from './workers.ts';

export interface PhotoStepOptions {
	spec: PhotoSpec;
	/** Make the processed photo (person cut out, background painted, framed, sized) instead of checking as is. */
	processed: boolean;
	/** Bytes downloaded over every model the step needs (face models, and the segmentation model when processing). */
	onProgress?: (loaded: number, total: number) => void;
	/** The ID card portrait the photo's face is compared with (policy compareWith id_portrait), at spec.minFaceMatch. */
	idPortrait?: ImageData;
	/** Aborted when the screen goes: the worker calls still queued are dropped. */
	signal?: AbortSignal;
}

/** What the photo step does for a province, all read from its resolved policy; null without a photo upload. */
export interface PhotoStepPlan {
	/** The province's photo spec as the server re-checks it, with the policy's face-match threshold. */
	spec: PhotoSpec;
	/** The processed photo is made and shown (policy photo.showProcessed), with the segmentation model. */
	processed: boolean;
	/** The photo's face is compared with the ID card portrait here (policy photo.compareWith). */
	compareIdPortrait: boolean;
}

export function photoStepPlan(policy: ProvincePolicy): PhotoStepPlan | null {
	if (policy.photo.kind !== 'upload') return null;
	const resolved = resolve(policy);
	return {
		spec: resolved.photoSpec!,
		processed: policy.photo.showProcessed,
		compareIdPortrait: resolved.photoComparisons.idPortrait
	};
}

const messages = (list: readonly PhotoReason[]) => list.map((r) => ({ code: r.code, zh: r.zh, en: r.en }));

/** The file rules alone: what the phone can say before (or without) the models. */
export function fileEvidence(file: Blob, bytes: Uint8Array, spec: PhotoSpec): PhotoEvidence {
	const outcome = checkUploadFile(bytes, spec);
	return {
		original: file,
		output: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
		passed: outcome.reasons.length === 0,
		reasons: messages(outcome.reasons),
		measures: { ...flat(outcome.measures), engine: 'file-only' }
	};
}

/** Content rules and, where the province shows it, the processed output photo. */
export async function photoEvidence(
	file: Blob,
	bytes: Uint8Array,
	options: PhotoStepOptions
): Promise<PhotoEvidence> {
	const { spec, processed, signal } = options;
	const progress = combinedProgress(options.onProgress);
	const face = faceWorker(progress('face'), signal);
	const photo = processed ? segmentingPhotoWorker(progress('segmentation'), signal) : null;
	await face.info;
	// Without the segmentation model make() still replaces a plain backdrop (measures.segmentation says which ran).
	const segmentation = photo
		? await photo.ready.then(
				() => null,
				(e: unknown) => errorText(e)
			)
		: null;
	const frame = await fileToImageData(file);
	const measurement = await face.api.measureStill(frame);
	const match = options.idPortrait ? await idPortraitMatch(options.idPortrait, frame, spec, signal) : null;
	const worker = photo?.api ?? photoWorker(signal);
	if (processed) {
		const made = await worker.make(frame, measurement, spec, match?.similarity);
		const measures = {
			...flat(made.measures),
			...match?.measures,
			engine: 'face+photo',
			processed: true,
			segmentationError: segmentation
		};
		if (!made.bytes)
			return { ...fileEvidence(file, bytes, spec), passed: false, reasons: messages(made.reasons), measures };
		return {
			original: file,
			output: new Blob([made.bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
			passed: made.ok,
			reasons: messages(made.reasons),
			measures: { ...measures, bytes: made.bytes.length }
		};
	}
	const verdict = await worker.check(frame, measurement, spec, bytes, match?.similarity);
	return {
		...fileEvidence(file, bytes, spec),
		passed: verdict.ok,
		reasons: messages(verdict.reasons),
		measures: { ...flat(verdict.measures), ...match?.measures, engine: 'face+photo', processed: false }
	};
}

/**
 * The photo's face against the card portrait's. When either has no face the comparison is recorded as not made
 * (the server's own evidence still decides), never as a match.
 */
async function idPortraitMatch(portrait: ImageData, frame: ImageData, spec: PhotoSpec, signal?: AbortSignal) {
	const match = await portraitSimilarity(portrait, frame, spec.minFaceMatch, signal);
	return {
		similarity: match?.similarity,
		measures: {
			idPortraitSimilarity: match ? match.similarity : null,
			idPortraitThreshold: spec.minFaceMatch,
			idPortraitNote: match ? null : 'no face found on the card portrait or the photo'
		}
	};
}

/** One progress figure over several downloads reported separately. */
function combinedProgress(report?: (loaded: number, total: number) => void) {
	const parts = new Map<string, { loaded: number; total: number }>();
	return (name: string) =>
		report &&
		((loaded: number, total: number) => {
			parts.set(name, { loaded, total });
			let sum = 0;
			let all = 0;
			for (const p of parts.values()) {
				sum += p.loaded;
				all += p.total;
			}
			report(sum, all);
		});
}

function flat(measures: Record<string, unknown>): PhotoEvidence['measures'] {
	const out: PhotoEvidence['measures'] = {};
	for (const [k, v] of Object.entries(measures))
		if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
			out[k] = v as string | number | boolean | null;
	return out;
}
