// The ID card reader: locate the card, rectify it, OCR it (PP-OCRv4 det + rec through
// the InferenceRuntime, so the same code runs in a browser worker and in Node), parse the fields by label and
// layout, validate them, judge the capture's quality when the reading failed (so the candidate learns the cause
// actually present), and cut out the ID portrait for the face engine.
import { crop } from '../image/ops.ts';
import { addressHeads, correctAddressHead, type AddressHeads } from './address-head.ts';
import { authorityNames, correctAuthority, type AuthorityNames } from './authority.ts';
import { plainImage, type Box, type RgbaImage } from '../image/types.ts';
import type { InferenceRuntime } from '../runtime.ts';
import { todayInChina } from './dates.ts';
import type { CardFields, CardSide } from './fields.ts';
import { warpPerspective } from './geometry.ts';
import { locateCard, type CardLocation } from './locate.ts';
import { labelsByLayout, isTitleOrPhoto } from './labels.ts';
import type { ReadStage } from './read-stages.ts';
import { detectInRegion, DEFAULT_DETECT, type StageSink, type TextBox } from './ocr/detect.ts';
import { fieldArea } from './field-areas.ts';
import { bestLexiconMatch, matchUnreadable, type LexiconMatch } from './ocr/lexicon.ts';
import { ctcDecode, parseDictionary, recognizeRegions, type RecognizedText } from './ocr/recognize.ts';
import { ETHNICITIES, isEthnicity } from './ethnicities.ts';
import {
	guessSide,
	isNameCharacter,
	nameOfRow,
	parseEmblem,
	parsePortrait,
	PORTRAIT_AREA,
	type OcrLine
} from './parse.ts';
import { cardLuma, hiddenInValues, measureQuality, qualityReasons, type CaptureQuality } from './quality.ts';
import { LOCATE_REASONS } from './capture-reasons.ts';
import { reason, type Reason } from './reasons.ts';
import { checkRecapture, RECAPTURE_REASONS, type RecaptureCheck } from './recapture.ts';
import type { RegionTable } from './regions.ts';
import { lineSqueeze, REC_WIDTH_SCALE } from './squeeze.ts';
import { uncertainFields, uncertainReasons, type UncertainField } from './uncertain.ts';
import { WARM_UP_FIELDS, warmUpPhoto } from './warm-up.ts';
import { validateCard, type CardChecks } from './validate.ts';

/** Rectified card size: 10 px per mm, the resolution the parser's layout fractions were measured at. */
export const RECTIFIED_W = 856;
export const RECTIFIED_H = 540;
/**
 * The detector sees the rectified card at 640x416. 512x320 read the number, name and address as well, but on 200
 * cards per side lost four ethnicities (傈僳 twice, 拉祜, 景颇; cause not investigated) that 640 and the old code read.
 */
export const DETECT_MAX_SIDE = 640;
/**
 * A warm-up's `yieldNow` for a thread whose model runs block it (a Web Worker running WASM): whether `isWaiting()`
 * after one turn of the event loop, so the messages that came during the last run (a card's read()) are let in
 * first. Checked at once instead, a card would only count as waiting after the warm-up had ended.
 */
export async function afterQueuedMessages(isWaiting: () => boolean): Promise<boolean> {
	await new Promise((resolve) => setTimeout(resolve, 0));
	return isWaiting();
}

/** Portrait reads of a made-up card in warmUp(): in Node the recogniser's time settled after ~3 runs. */
export const WARM_UP_READS = 3;
/** Further rounds of the image steps alone (locate, rectify, recapture, gate) in warmUp(). */
export const WARM_UP_IMAGE_ROUNDS = 6;
export { REC_WIDTH_SCALE } from './squeeze.ts';

export interface ReadOptions {
	/** Which side the caller expects; detected from the labels when absent. */
	side?: CardSide;
	/** 'YYYY-MM-DD' for expiry and birth-date checks; defaults to today in China. */
	today?: string;
	/** Skip the capture-quality gate (album uploads of scans, tests of the OCR alone). */
	skipQualityGate?: boolean;
	/** Told as each step of the reading begins (a step may come again: a re-read of the whole or turned card). */
	onStage?: (stage: ReadStage) => void;
}

export type ReadStatus = 'ok' | 'no_card' | 'poor_capture' | 'no_text' | 'wrong_side';

export interface CardReading {
	status: ReadStatus;
	side: CardSide | null;
	fields: CardFields;
	/** Per field, the mean OCR probability of the line it came from. */
	confidence: Partial<Record<keyof CardFields, number>>;
	/**
	 * Fields read but not vouched for (glare over part of their print, an authority no bureau list names): each
	 * has an `ocr.uncertain.<field>` reason; the candidate retakes the side or confirms what was read.
	 */
	uncertain: UncertainField[];
	checks: CardChecks | null;
	capture: {
		location: CardLocation | null;
		quality: CaptureQuality | null;
		areaFraction: number;
		/** Whether the card looks like a screen, a photocopy or a print (checked before OCR; never refuses). */
		recapture?: RecaptureCheck | null;
	};
	/** Why the reading is not usable or needs attention (capture, validation), in zh-CN and English. */
	reasons: Reason[];
	/** Every OCR line, in rectified-card pixels (for debugging and the UI's overlay). */
	lines: OcrLine[];
	/** The ID portrait, cropped from the rectified card (portrait side only). */
	portrait: RgbaImage | null;
	/** Milliseconds spent per stage. */
	timings: ReadTimings;
}

export interface ReadTimings {
	locate: number;
	detect: number;
	recognize: number;
	total: number;
	/**
	 * Finer steps for profiling, summed over the read (ms, except recColumns: recogniser input columns):
	 * locateCard, rectify, gate, detInput, detModel, detBoxes, recInput, recModel, recDecode, parse, portrait.
	 */
	stages?: Record<string, number>;
}

function newTimings(): ReadTimings {
	return { locate: 0, detect: 0, recognize: 0, total: 0, stages: {} };
}

/** A sink adding each step's time into `timings.stages`. */
function sinkFor(timings: ReadTimings): StageSink {
	return (stage, ms) => {
		const s = (timings.stages ??= {});
		s[stage] = (s[stage] ?? 0) + ms;
	};
}

export interface IdCardReader {
	read(image: RgbaImage, options?: ReadOptions): Promise<CardReading>;
	/** Runs every step of a read on a made-up card so the first real read is not slowed by lazy initialisation. */
	warmUp(options?: WarmUpOptions): Promise<void>;
}

export interface WarmUpOptions {
	/** Reads of the made-up card (default WARM_UP_READS). */
	reads?: number;
	/**
	 * Asked between steps: true ends the warm-up there (a real card is waiting for the models). It may be async: in
	 * a worker a model run does not yield to the message queue, so the card's message is only seen once the check
	 * has let the pending messages in.
	 */
	yieldNow?: () => boolean | Promise<boolean>;
	/** Hears each warm-up read's timings (for profiling). */
	onRead?: (timings: ReadTimings) => void;
}

function portraitBox(w: number, h: number): Box {
	return {
		x: PORTRAIT_AREA.x0 * w,
		y: PORTRAIT_AREA.y0 * h,
		width: (PORTRAIT_AREA.x1 - PORTRAIT_AREA.x0) * w,
		height: (PORTRAIT_AREA.y1 - PORTRAIT_AREA.y0) * h
	};
}

/**
 * Whether what was read cannot be trusted as it stands: a field unread, the number failing its checks (a
 * suggested repair is a misread too), printed fields contradicting the number, an unknown ethnicity, or a field's
 * print partly hidden under a reflection. An expired card is read right and is not a capture failure.
 */
function readingFailed(fields: CardFields, checks: CardChecks, quality: CaptureQuality): boolean {
	return (
		Object.values(fields).some((v) => v === null) ||
		(checks.idNumber !== null && !checks.idNumber.valid) ||
		checks.birthMatchesNumber === false ||
		checks.sexMatchesNumber === false ||
		checks.ethnicityKnown === false ||
		quality.glareOver.length > 0
	);
}

/** Rotates an image by 180 degrees (a card photographed upside down). */
function rotate180(img: RgbaImage): RgbaImage {
	const out = new Uint8ClampedArray(img.data.length);
	const n = img.width * img.height;
	for (let i = 0; i < n; i++) out.set(img.data.subarray(i * 4, i * 4 + 4), (n - 1 - i) * 4);
	return { width: img.width, height: img.height, data: out };
}

export function createIdCardReader(deps: {
	runtime: InferenceRuntime;
	dictionary: string | readonly string[];
	/** Region codes for the number's checks and repair (staged data, see regions.ts). */
	regions: RegionTable;
	/** Longest side of the detector's input (multiple of 32); see DETECT_MAX_SIDE. */
	detectMaxSide?: number;
	/**
	 * One horizontal squeeze for every line fed to the recogniser, instead of the per-row squeeze of
	 * squeeze.ts (for measuring squeezes).
	 */
	recWidthScale?: number;
}): IdCardReader {
	const recWidthScale = deps.recWidthScale ?? REC_WIDTH_SCALE;
	const squeeze = (box: Box, cardH: number, expected: CardSide | undefined) =>
		deps.recWidthScale ?? lineSqueeze(box, cardH, expected);
	const detectMaxSide = deps.detectMaxSide ?? DETECT_MAX_SIDE;
	const dictionary = typeof deps.dictionary === 'string' ? parseDictionary(deps.dictionary) : deps.dictionary;
	const { runtime } = deps;
	const emittable = new Set(dictionary);
	let addressHeadNames: AddressHeads | null = null;
	const heads = () => (addressHeadNames ??= addressHeads(deps.regions));
	let bureauNames: AuthorityNames | null = null;
	const bureaus = () => (bureauNames ??= authorityNames(deps.regions));

	/** Recogniser probabilities per line, for lexicon re-reading; never leaves the reader. */
	const lineProbs = new WeakMap<OcrLine, NonNullable<RecognizedText['probs']>>();

	/**
	 * Re-reads the ethnicity against the 56 valid values when the greedy read is missing or unsure: first from
	 * the lines already read, then, if no value wins, from the value's place read again unsqueezed (the
	 * squeeze and a box a few pixels off lose rare, blurred values such as 傈僳, which the lexicon recovers at
	 * full width from a slightly wider box). The second read costs one small recognition run on the few cards
	 * that need it.
	 */
	async function rereadEthnicity(
		card: RgbaImage,
		parsed: ReturnType<typeof parsePortrait>,
		timings: ReadTimings
	): Promise<void> {
		const current = parsed.fields.ethnicity;
		// A value outside the 56 is a misread however sure the recogniser was (么佬 for 仫佬): always re-read it.
		if (current && isEthnicity(current)) return;
		const sources = parsed.sources.ethnicity ?? [];
		let best = bestOf(sources.map((line) => lineProbs.get(line)));
		if (!clearWinner(best)) {
			const texts = await recognizeRegions(
				runtime,
				ethnicityRegions(sources).map((box) => ({ image: card, box })),
				dictionary,
				1,
				sinkFor(timings)
			);
			const again = bestOf(texts.map((t) => t.probs));
			if (again && (!best || again.score > best.score)) best = again;
		}
		const take = (value: string, score: number) => {
			parsed.fields.ethnicity = value;
			parsed.confidence.ethnicity = score;
		};
		if (best && clearWinner(best)) return take(best.value, best.score);
		// 仫佬: the recogniser has no 仫, so no re-read can find it; the read is what it put in its place.
		const unreadable = current && matchUnreadable(current, ETHNICITIES, (ch) => emittable.has(ch));
		if (unreadable) parsed.fields.ethnicity = unreadable;
		else if (best && winnerOverMisread(best)) take(best.value, best.score);
	}

	/**
	 * A name is Han characters (and a transcribed name's dot): one Latin letter or digit read among them (T for 丁)
	 * is a misread, so its lines are decoded again with only those characters allowed, and that read is kept when
	 * it yields a name. A name read mostly in Latin letters is no misread of one character (the specimen's
	 * AIRobot) and stays as read. No recognition runs again: the recogniser's outputs for the lines are at hand.
	 */
	function rereadName(parsed: ReturnType<typeof parsePortrait>): void {
		const current = parsed.fields.name;
		const foreign = Array.from(current ?? '').filter((ch) => !isNameCharacter(ch)).length;
		if (!current || foreign !== 1 || Array.from(current).length < 2) return;
		const lines = (parsed.sources.name ?? []).map((line) => {
			const p = lineProbs.get(line);
			return p
				? { ...line, text: ctcDecode(p.data, p.steps, p.classes, dictionary, isNameCharacter).text }
				: line;
		});
		const name = nameOfRow(lines);
		if (name && Array.from(name).every(isNameCharacter)) parsed.fields.name = name;
	}

	function bestOf(probs: readonly (RecognizedText['probs'] | undefined)[]): LexiconMatch | null {
		let best: LexiconMatch | null = null;
		for (const p of probs) {
			if (!p) continue;
			const m = bestLexiconMatch(p.data, p.steps, p.classes, ETHNICITIES, dictionary, '民族');
			if (m && (!best || m.score > best.score)) best = m;
		}
		return best;
	}

	/**
	 * A clear winner: at least e^2 (7x) likelier per character than any other ethnicity, and not vanishingly
	 * unlikely in absolute terms (measured: 傈僳 on a JPEG card scores 0.037, margin 5.4; label-only or empty boxes
	 * score < 0.006 with margins < 0.3).
	 */
	function clearWinner(m: LexiconMatch | null): boolean {
		return m !== null && m.score >= 0.01 && m.margin >= 2;
	}

	/**
	 * Where a value outside the 56 was read (and no value the recogniser cannot spell fits it), or nothing was read
	 * at all, something is printed there and was misread (雷 for 畲 on a photographed printout, or nothing for it):
	 * the closed set decides at e (2.7x) per character. A wrong winner differs from the record as the misread
	 * itself did, or blocks as the unread value did, so this turns misreads into matches without letting anything
	 * else through. The absolute floor keeps a box with no value printed in it (scores < 0.006) unread.
	 */
	function winnerOverMisread(m: LexiconMatch): boolean {
		return m.score >= 0.01 && m.margin >= 1;
	}

	/** The ethnicity's value boxes as detected, and widened by a fifth and two fifths of their height. */
	function ethnicityRegions(sources: readonly OcrLine[]): Box[] {
		const values = sources.filter((l) => !l.fromLayout);
		return values.flatMap(({ box }) =>
			[0, 0.2, 0.4].map((k) => ({
				x: box.x - k * box.height,
				y: box.y - 0.05 * box.height,
				width: box.width + 2 * k * box.height,
				height: box.height * 1.1
			}))
		);
	}

	/** Recognises boxes on the card; lines read as empty stay (a lexicon may still recover them). */
	async function readBoxes(
		card: RgbaImage,
		boxes: readonly TextBox[],
		timings: ReadTimings,
		expected: CardSide | undefined
	): Promise<OcrLine[]> {
		const texts = await recognizeRegions(
			runtime,
			boxes.map((box) => ({ image: card, box, widthScale: squeeze(box, card.height, expected) })),
			dictionary,
			recWidthScale,
			sinkFor(timings)
		);
		return boxes.map((b, i) => {
			const line: OcrLine = {
				box: { x: b.x, y: b.y, width: b.width, height: b.height },
				text: texts[i].text,
				confidence: texts[i].confidence
			};
			const probs = texts[i].probs;
			if (probs) lineProbs.set(line, probs);
			return line;
		});
	}

	/**
	 * Detects text on the card: only in the expected side's field area when there is one (see field-areas.ts),
	 * else on the whole card at DETECT_MAX_SIDE.
	 */
	async function detect(card: RgbaImage, timings: ReadTimings, expected?: CardSide) {
		const t = performance.now();
		const scale = Math.min(1, detectMaxSide / Math.max(card.width, card.height));
		const fullW = Math.max(32, Math.round((card.width * scale) / 32) * 32);
		const fullH = Math.max(32, Math.round((card.height * scale) / 32) * 32);
		const area = expected
			? fieldArea(expected, card.width, card.height, fullW, fullH)
			: { region: { x: 0, y: 0, width: card.width, height: card.height }, width: fullW, height: fullH };
		const boxes = await detectInRegion(
			runtime,
			card,
			area.region,
			area.width,
			area.height,
			DEFAULT_DETECT,
			sinkFor(timings)
		);
		timings.detect += performance.now() - t;
		return boxes;
	}

	/**
	 * Detects and reads the card. With an expected side, only its field area is detected first; when what is
	 * read there is not that side, the whole card is detected and read again (a wrong side is then reported).
	 */
	async function ocr(
		card: RgbaImage,
		timings: ReadTimings,
		expected: CardSide | undefined,
		stage: (s: ReadStage) => void
	): Promise<{ lines: OcrLine[]; side: CardSide | null }> {
		const detectAndRead = async (side?: CardSide) => {
			stage('detect');
			const boxes = await detect(card, timings, side);
			stage('recognize');
			return readDetected(card, boxes, timings, side);
		};
		if (expected) {
			const first = await detectAndRead(expected);
			if (first.side === expected) return first;
		}
		return detectAndRead();
	}

	/**
	 * Reads detected boxes. Boxes that are a printed label by their place on the card, the emblem side's
	 * titles and the photo are set aside first: the rest tells the side (the number, 签发机关, 有效期限) in one
	 * recognition run. Label boxes then get their label's text on a portrait side; only when the side is still
	 * unknown is everything set aside read too.
	 */
	async function readDetected(
		card: RgbaImage,
		boxes: readonly TextBox[],
		timings: ReadTimings,
		expected?: CardSide
	): Promise<{ lines: OcrLine[]; side: CardSide | null }> {
		const t = performance.now();
		// Printed text boxes are >= 30 px high at 540; smaller ones are specks on the emblem or the photo.
		const kept = boxes.filter((b) => b.height >= 16 && b.width >= 8);
		const labels = labelsByLayout(kept, card.width, card.height);
		const aside = kept.map((b, i) => labels[i] !== null || isTitleOrPhoto(b, card.width, card.height));
		let lines = await readBoxes(
			card,
			kept.filter((_, i) => !aside[i]),
			timings,
			expected
		);
		let side = guessSide(lines);
		if (side === 'portrait') {
			const labelLines = kept.flatMap((b, i): OcrLine[] => {
				const label = labels[i];
				if (!label) return [];
				return [
					{
						box: { x: b.x, y: b.y, width: b.width, height: b.height },
						text: label,
						confidence: 1,
						fromLayout: true
					}
				];
			});
			lines = [...lines, ...labelLines];
		} else if (!side) {
			lines = [
				...lines,
				...(await readBoxes(
					card,
					kept.filter((_, i) => aside[i]),
					timings,
					expected
				))
			];
			side = guessSide(lines);
		}
		timings.recognize += performance.now() - t;
		return { lines, side };
	}

	/**
	 * The steps after the models, on the warm-up card: the gate, the parser, the place-name tables the address
	 * and authority corrections build on first use (else the first real card pays for them), the validation and
	 * the portrait crop.
	 */
	function afterOcr(card: RgbaImage, lines: OcrLine[]): void {
		measureQuality(card, 'portrait', cardLuma(card));
		parsePortrait(lines, RECTIFIED_W, RECTIFIED_H);
		correctAddressHead(WARM_UP_FIELDS.address, heads());
		correctAuthority(WARM_UP_FIELDS.authority, bureaus());
		validateCard(WARM_UP_FIELDS, todayInChina(), deps.regions);
		crop(card, portraitBox(RECTIFIED_W, RECTIFIED_H));
	}

	return {
		async warmUp({ reads = WARM_UP_READS, yieldNow = () => false, onRead } = {}) {
			// Every step of a portrait read on a made-up card (see warm-up.ts: the runtime and the JavaScript
			// reach their optimised code only after a few runs), then the emblem's detector shape once (the same
			// kernels, now optimised; the shape's own set-up is paid here). A real card waiting ends it between
			// steps, so it waits for one model run at most.
			const photo = warmUpPhoto();
			const blank: RgbaImage = {
				width: RECTIFIED_W,
				height: RECTIFIED_H,
				data: new Uint8ClampedArray(RECTIFIED_W * RECTIFIED_H * 4).fill(255)
			};
			const rectified = () => {
				const located = locateCard(photo);
				const card = located.ok
					? warpPerspective(photo, located.location.corners, RECTIFIED_W, RECTIFIED_H)
					: blank;
				checkRecapture(card);
				return card;
			};
			let card = blank;
			for (let i = 0; i < reads && !(await yieldNow()); i++) {
				const timings = newTimings();
				const start = performance.now();
				card = rectified();
				timings.locate = performance.now() - start;
				const boxes = await detect(card, timings, 'portrait');
				if (await yieldNow()) return;
				const line = { x: 0, y: 0, width: 600, height: 40, score: 1 };
				const lines = await readBoxes(
					card,
					boxes.length >= 4 ? boxes : [line, line, line, line],
					timings,
					'portrait'
				);
				afterOcr(card, lines);
				timings.total = performance.now() - start;
				onRead?.(timings);
			}
			if (!(await yieldNow())) await detect(card, newTimings(), 'emblem');
			// The JavaScript steps around the models a few more times on their own (a fraction of a read each): V8
			// optimises them only after more calls than the reads above make (models/notes/ocr.md).
			for (let i = 0; i < WARM_UP_IMAGE_ROUNDS && !(await yieldNow()); i++) {
				const rounded = rectified();
				measureQuality(rounded, 'portrait', cardLuma(rounded));
			}
		},

		async read(frame, options = {}) {
			const start = performance.now();
			const image = plainImage(frame);
			const today = options.today ?? todayInChina();
			const timings = newTimings();
			const profile = sinkFor(timings);
			const stage = (s: ReadStage) => options.onStage?.(s);
			stage('locate');
			const empty: CardReading = {
				status: 'no_card',
				side: null,
				fields: {},
				confidence: {},
				uncertain: [],
				checks: null,
				capture: { location: null, quality: null, areaFraction: 0 },
				reasons: [],
				lines: [],
				portrait: null,
				timings
			};
			let t = performance.now();
			const located = locateCard(image);
			timings.locate = performance.now() - t;
			profile('locateCard', timings.locate);
			if (!located.ok) {
				timings.total = performance.now() - start;
				return {
					...empty,
					capture: { ...empty.capture, areaFraction: located.areaFraction },
					reasons: [LOCATE_REASONS[located.failure]]
				};
			}
			t = performance.now();
			let card = warpPerspective(image, located.location.corners, RECTIFIED_W, RECTIFIED_H);
			profile('rectify', performance.now() - t);
			timings.locate += performance.now() - t;
			t = performance.now();
			const recapture = checkRecapture(card);
			profile('recapture', performance.now() - t);
			// A recapture is a warning for the candidate and the reviewer, first so the candidate sees it, also
			// beside a refusal: a screen's picture is often unreadable, and "use the original card" is the way out.
			const recaptureReasons: Reason[] = recapture.kind ? [RECAPTURE_REASONS[recapture.kind]] : [];
			let { lines, side } = await ocr(card, timings, options.side, stage);
			if (!side && lines.length > 0) {
				// Nothing card-like read: the card may be upside down.
				const flipped = rotate180(card);
				const again = await ocr(flipped, timings, options.side, stage);
				if (again.side) {
					card = flipped;
					lines = again.lines;
					side = again.side;
				}
			}
			// Quality is judged after reading: it explains a failed reading, it never refuses a good one.
			stage('check');
			t = performance.now();
			const luma = cardLuma(card);
			const quality = measureQuality(card, side, luma);
			profile('gate', performance.now() - t);
			const capture = {
				location: located.location,
				quality,
				areaFraction: located.location.areaFraction,
				recapture
			};
			const poor = options.skipQualityGate ? [] : qualityReasons(quality);
			const refuse = (reasons: Reason[]): CardReading => {
				timings.total = performance.now() - start;
				return {
					...empty,
					status: 'poor_capture',
					capture,
					lines: lines.filter((l) => l.text.trim().length > 0),
					reasons: [...recaptureReasons, ...reasons.filter((r) => !recaptureReasons.includes(r))]
				};
			};
			if (!side) {
				if (poor.length) return refuse(poor);
				timings.total = performance.now() - start;
				return {
					...empty,
					status: 'no_text',
					capture,
					lines: lines.filter((l) => l.text.trim().length > 0),
					reasons: [
						...recaptureReasons,
						reason(
							'ocr.no_fields',
							'未能在证件上识别出任何字段',
							'No ID card fields could be read from the card'
						)
					]
				};
			}
			const reasons: Reason[] = [...recaptureReasons];
			if (options.side && options.side !== side) {
				reasons.push(
					options.side === 'portrait'
						? reason(
								'capture.wrong_side',
								'这是国徽面，请拍摄人像面',
								'This is the emblem side: photograph the portrait side'
							)
						: reason(
								'capture.wrong_side',
								'这是人像面，请拍摄国徽面',
								'This is the portrait side: photograph the emblem side'
							)
				);
			}
			t = performance.now();
			let parsed: ReturnType<typeof parsePortrait> | ReturnType<typeof parseEmblem>;
			if (side === 'portrait') {
				const portraitParsed = parsePortrait(lines, RECTIFIED_W, RECTIFIED_H);
				await rereadEthnicity(card, portraitParsed, timings);
				rereadName(portraitParsed);
				if (portraitParsed.fields.address)
					portraitParsed.fields.address = correctAddressHead(portraitParsed.fields.address, heads());
				parsed = portraitParsed;
			} else {
				const emblemParsed = parseEmblem(lines);
				if (emblemParsed.fields.authority)
					emblemParsed.fields.authority = correctAuthority(emblemParsed.fields.authority, bureaus()) || null;
				parsed = emblemParsed;
			}
			profile('parse', performance.now() - t);
			const fields: CardFields = parsed.fields;
			const checks = validateCard(fields, today, deps.regions);
			// The card prints the sex its number's 17th digit encodes: where that print went unread, a valid number
			// says it (the cross-check stays unmade, null, as nothing printed was compared).
			if (fields.sex === null && checks.idNumber?.valid) fields.sex = checks.idNumber.sex;
			reasons.push(...checks.reasons);
			for (const [key, value] of Object.entries(fields)) {
				if (value === null) {
					reasons.push(
						reason(`ocr.unread.${key}`, `未能读出字段 ${key}`, `The ${key} field could not be read`)
					);
				}
			}
			if (poor.length && readingFailed(fields, checks, quality)) return refuse([...poor, ...reasons]);
			const hidden = new Set([
				...quality.hiddenIn,
				...hiddenInValues(
					luma,
					quality,
					Object.fromEntries(
						Object.entries(parsed.sources).map(([f, ls]) => [
							f,
							(ls ?? []).filter((l) => !l.fromLayout).map((l) => l.box)
						])
					)
				)
			]);
			const uncertain = uncertainFields(fields, [...hidden], (a) => bureaus().names.has(a));
			reasons.push(...uncertainReasons(fields, uncertain));
			t = performance.now();
			const portrait = side === 'portrait' ? crop(card, portraitBox(RECTIFIED_W, RECTIFIED_H)) : null;
			profile('portrait', performance.now() - t);
			timings.total = performance.now() - start;
			return {
				status: options.side && options.side !== side ? 'wrong_side' : 'ok',
				side,
				fields,
				confidence: parsed.confidence,
				uncertain,
				checks,
				capture,
				reasons,
				lines: lines.filter((l) => l.text.trim().length > 0),
				portrait,
				timings
			};
		}
	};
}
