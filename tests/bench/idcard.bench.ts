// ID card reader benchmark. First, per phone-capture condition (tests/support/idcard/conditions.ts): each field
// read exactly, and the share of captures refused, on cards made from an evaluation seed that tests and tuning
// never use. Then per-field exact-match rate and character accuracy on randomly degraded cards, time per side in
// Node, side by side with tesseract.js + chi_sim on the same images.
// Run: npx tsx tests/bench/idcard.bench.ts
//   ZV_BENCH_COND_N   cards per condition and side (default 25; 0 skips the table)
//   ZV_BENCH_COND_FROM  first card index of this run (default 0): a long run split in parts, each part writes
//                     bench/out/idcard-conditions-<from>-<to>.json with its counts, which add up
//   ZV_BENCH_RECAPTURE_N  cards per condition and side for the recapture table (default 10; 0 skips it)
//   ZV_BENCH_SIDES    sides the per-condition run reads (default portrait,emblem)
//   ZV_BENCH_CONDITIONS  only the conditions whose names start with one of these (comma-separated); the
//                     recapture table then has only those genuine ones (its screen, copy and print always)
//   ZV_BENCH_FAIL_DIR  write every capture of the per-condition run not read exactly (every field of its side,
//                     status ok) there as <condition>_<card>_<side>.<ext>, with its degradation and reading (.json)
//   ZV_BENCH_SEED     first seed of the per-condition cards (default: the evaluation seed; tuning used 5000+)
//   ZV_BENCH_N        cards per side (default 200: the targets are percentages, 30 cards cannot show 99.5 %)
//   ZV_BENCH_TESS_N   of those, cards per side also read by tesseract.js (default 50: ~0.5 s each)
//   ZV_BENCH_SIDE_HINT=0  read without saying which side is expected (the phone and `zv idcard read --side`
//                     say it; the reader then detects text only in that side's field area)
//   ZV_BENCH_FP32=1   also read every card with the float32 weights from the npm package, to compare the staged
//                     8-bit-stored weights (models/transforms/onnx-int8-weights.mjs) card by card
// The tesseract.js baseline gets the same located + rectified card and the same field parser, so the
// comparison is OCR engine against OCR engine. Its chi_sim traineddata is Debian's, read from disk (no CDN).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorker, OEM } from 'tesseract.js';
import type { CardFields } from '../../src/lib/core/idcard/fields.ts';
import { warpPerspective } from '../../src/lib/core/idcard/geometry.ts';
import { locateCard } from '../../src/lib/core/idcard/locate.ts';
import { parseEmblem, parsePortrait, type OcrLine } from '../../src/lib/core/idcard/parse.ts';
import { RECTIFIED_H, RECTIFIED_W } from '../../src/lib/core/idcard/reader.ts';
import { characterAccuracy } from '../../src/lib/core/idcard/text.ts';
import { createIdCardReader } from '../../src/lib/core/idcard/reader.ts';
import { nodeRuntime, staticDir } from '../../src/lib/runtime/node.ts';
import { nodeRegionTable } from '../../src/lib/runtime/node-regions.ts';
import { createWebRuntime } from '../../src/lib/runtime/web-ort.ts';
import { decodeImage, encodePng } from '../../src/lib/runtime/node-image.ts';
import { generateCard, type Identity } from '../support/idcard/generate.ts';
import { idCardReader } from '../support/idcard/reader.ts';
import { originalsRuntime } from '../support/idcard/originals.ts';
import {
	CAPTURE_CONDITIONS,
	conditionDegradation,
	RECAPTURE_CONDITIONS
} from '../support/idcard/conditions.ts';
import { checkRecapture } from '../../src/lib/core/idcard/recapture.ts';
import { fixturesDir } from '../support/fixtures.ts';

const N = Number(process.env.ZV_BENCH_N ?? 200);
const COND_N = Number(process.env.ZV_BENCH_COND_N ?? 25);
const COND_FROM = Number(process.env.ZV_BENCH_COND_FROM ?? 0);
/** The sides the per-condition run reads (ZV_BENCH_SIDES=portrait: the number, name and address only). */
const COND_SIDES = (process.env.ZV_BENCH_SIDES?.split(',') ?? ['portrait', 'emblem']) as Side[];
/** The output files' suffix when the run is one part of a split one. */
const PART =
	(process.env.ZV_BENCH_COND_FROM ? `-${COND_FROM}-${COND_FROM + COND_N - 1}` : '') +
	(process.env.ZV_BENCH_SIDES ? `-${COND_SIDES.join('+')}` : '');

/** Never used by a test or while tuning (tests use seeds below 1000, tuning 5000-5999). */
const EVALUATION_SEED = 20261203;
const COND_SEED = Number(process.env.ZV_BENCH_SEED ?? EVALUATION_SEED);
const RECAPTURE_N = Number(process.env.ZV_BENCH_RECAPTURE_N ?? 10);
const TESS_N = Math.min(N, Number(process.env.ZV_BENCH_TESS_N ?? 50));
const COMPARE_FP32 = process.env.ZV_BENCH_FP32 === '1';
const SIDE_HINT = process.env.ZV_BENCH_SIDE_HINT !== '0';
/** Cards per side also read through onnxruntime-web (WASM, 1 thread, in Node): the browser worker's engine. */
const WEB_N = Number(process.env.ZV_BENCH_WEB_N ?? 5);
const today = '2026-11-25';
const TESSDATA = ['/usr/share/tesseract-ocr/5/tessdata', '/usr/share/tesseract-ocr/4.00/tessdata'];
const FIELDS = {
	portrait: ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber'],
	emblem: ['authority', 'validFrom', 'validTo']
} as const;
type Side = keyof typeof FIELDS;
type Field = (typeof FIELDS)[Side][number];

interface Tally {
	exact: number;
	charAcc: number;
	n: number;
}
const tally = () =>
	Object.fromEntries(
		[...FIELDS.portrait, ...FIELDS.emblem].map((f) => [f, { exact: 0, charAcc: 0, n: 0 }])
	) as Record<Field, Tally>;

function score(t: Record<Field, Tally>, side: Side, truth: Identity, read: CardFields): boolean {
	let all = true;
	for (const f of FIELDS[side]) {
		const want = String(truth[f]);
		const got = read[f] == null ? '' : String(read[f]);
		t[f].n++;
		t[f].exact += want === got ? 1 : 0;
		t[f].charAcc += characterAccuracy(want, got);
		if (want !== got) all = false;
	}
	return all;
}

const ocrKeys = () => readFileSync(join(staticDir, 'models', 'ocr', 'ppocr_keys_v1.txt'), 'utf8');

/** Scores only cards the capture gates let through (a refused card is retaken, not misread). */
const oursRead = tally();
function scoreRead(side: Side, truth: Identity, read: CardFields): void {
	score(oursRead, side, truth, read);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? 0;

interface ConditionRow {
	condition: string;
	expect: string;
	cards: number;
	idNumber: number;
	name: number;
	address: number;
	authority: number;
	validity: number;
	/** Captures refused for their quality (glare, blur, dark) or because the card was not found whole. */
	refused: number;
	refusedAsGlare: number;
	/**
	 * Captures kept with a field flagged uncertain (the candidate retakes or confirms it): on a clean card a false
	 * warning, under a reflection the field named instead of a refusal.
	 */
	flagged: number;
	/** Captures kept with a field read wrong and not flagged: a silent misread, the failure that must not happen. */
	silentlyWrong: number;
	reasons: Record<string, number>;
	/** The counts behind the shares (per side: COND_N captures), so parts of a run add up. */
	counts: Record<
		| 'idNumber'
		| 'name'
		| 'address'
		| 'authority'
		| 'validity'
		| 'refused'
		| 'refusedAsGlare'
		| 'flagged'
		| 'silentlyWrong',
		number
	>;
	/** Captures whose card was located (the recapture check runs on those) and of them, those warned as recaptures. */
	located: number;
	recaptureWarned: Record<string, number>;
	/** Captures kept (status ok) with every field of their side exactly as printed. */
	allExact: number;
	/** Every capture's outcome: card index, side, status, reason codes, all fields exact, flagged, silently wrong. */
	outcomes: {
		card: number;
		side: Side;
		status: string;
		reasons: string[];
		allExact: boolean;
		flagged: boolean;
		silent: boolean;
	}[];
	/** Every field read wrong on a capture that was not refused: card index, side, printed and read values. */
	misses: { card: number; side: Side; field: string; want: string; got: string | null; status: string }[];
}

/**
 * Every capture condition on COND_N cards per side. A field counts as read only when it equals the printed
 * value exactly; a refused capture reads nothing. Validity is both dates.
 */
async function perCondition(): Promise<ConditionRow[]> {
	const rows: ConditionRow[] = [];
	const only = process.env.ZV_BENCH_CONDITIONS?.split(',');
	for (const condition of CAPTURE_CONDITIONS) {
		if (only && !only.some((o) => condition.name.startsWith(o))) continue;
		const hit = { idNumber: 0, name: 0, address: 0, authority: 0, validity: 0 };
		const reasons: Record<string, number> = {};
		let refused = 0;
		let glare = 0;
		let flagged = 0;
		let silentlyWrong = 0;
		const misses: ConditionRow['misses'] = [];
		let located = 0;
		let allExact = 0;
		const outcomes: ConditionRow['outcomes'] = [];
		const failDir = process.env.ZV_BENCH_FAIL_DIR;
		const recaptureWarned: Record<string, number> = {};
		for (let i = COND_FROM; i < COND_FROM + COND_N; i++) {
			for (const side of COND_SIDES) {
				const seed = COND_SEED + i;
				const degrade = conditionDegradation(condition, seed, side);
				const card = await generateCard({ seed, side, degrade, write: false });
				const r = await idCardReader.read(await decodeImage(card.bytes), { today, side });
				const id = card.identity;
				const f = r.fields;
				if (side === 'portrait') {
					hit.idNumber += Number(f.idNumber === id.idNumber);
					hit.name += Number(f.name === id.name);
					hit.address += Number(f.address === id.address);
				} else {
					hit.authority += Number(f.authority === id.authority);
					hit.validity += Number(f.validFrom === id.validFrom && f.validTo === id.validTo);
				}
				if (r.capture.location) {
					located++;
					const kind = r.capture.recapture?.kind;
					if (kind) recaptureWarned[kind] = (recaptureWarned[kind] ?? 0) + 1;
				}
				const capture = r.reasons.filter((x) => x.code.startsWith('capture.'));
				if (r.status === 'poor_capture' || r.status === 'no_card') {
					refused++;
					if (capture.some((x) => x.code === 'capture.glare')) glare++;
				}
				for (const x of capture) reasons[x.code] = (reasons[x.code] ?? 0) + 1;
				const kept = r.status === 'ok';
				// The validity is one line: an uncertain validFrom covers both dates.
				const named = new Set<string>(r.uncertain.map((u) => u.field));
				if (named.has('validFrom')) named.add('validTo');
				// A value failing its own check carries a reason naming it: not silent either.
				if (r.checks?.idNumber && !r.checks.idNumber.valid) named.add('idNumber');
				if (r.checks?.ethnicityKnown === false) named.add('ethnicity');
				if (r.checks?.birthMatchesNumber === false) named.add('birthDate');
				if (r.checks?.sexMatchesNumber === false) named.add('sex');
				if (kept && named.size > 0) flagged++;
				let silent = false;
				for (const field of FIELDS[side]) {
					const want = String(id[field]);
					const got = f[field] == null ? null : String(f[field]);
					if (kept && got !== null && got !== want && !named.has(field)) silent = true;
					if (got !== want && condition.expect === 'read')
						misses.push({ card: i, side, field, want, got, status: r.status });
				}
				if (silent) silentlyWrong++;
				const exact = kept && FIELDS[side].every((field) => String(id[field]) === String(f[field] ?? ''));
				if (exact) allExact++;
				outcomes.push({
					card: i,
					side,
					status: r.status,
					reasons: r.reasons.map((x) => x.code),
					allExact: exact,
					flagged: kept && named.size > 0,
					silent
				});
				if (failDir && !exact) {
					mkdirSync(failDir, { recursive: true });
					const name = `${condition.name.replace(/[^a-z0-9]+/gi, '_')}_${i}_${side}`;
					writeFileSync(join(failDir, `${name}.${card.bytes[0] === 0xff ? 'jpg' : 'png'}`), card.bytes);
					writeFileSync(
						join(failDir, `${name}.json`),
						JSON.stringify(
							{
								seed,
								side,
								identity: id,
								degradation: degrade,
								corners: card.corners,
								status: r.status,
								reasons: r.reasons.map((x) => x.code),
								fields: f,
								uncertain: r.uncertain,
								location: r.capture.location,
								lines: r.lines.map((l) => ({ text: l.text, box: l.box }))
							},
							null,
							2
						)
					);
				}
			}
		}
		const row: ConditionRow = {
			condition: condition.name,
			expect: condition.expect,
			cards: COND_N,
			idNumber: hit.idNumber / COND_N,
			name: hit.name / COND_N,
			address: hit.address / COND_N,
			authority: hit.authority / COND_N,
			validity: hit.validity / COND_N,
			refused: refused / (COND_SIDES.length * COND_N),
			refusedAsGlare: glare / (COND_SIDES.length * COND_N),
			flagged: flagged / (COND_SIDES.length * COND_N),
			silentlyWrong: silentlyWrong / (COND_SIDES.length * COND_N),
			reasons,
			allExact,
			outcomes,
			counts: { ...hit, refused, refusedAsGlare: glare, flagged, silentlyWrong },
			located,
			recaptureWarned,
			misses
		};
		rows.push(row);
		console.error(
			`  ${condition.name}: ${JSON.stringify({ ...row, misses: misses.length, outcomes: outcomes.length })}`
		);
	}
	const pct = (x: number) => `${(100 * x).toFixed(1)}`.padStart(6);
	console.log(
		`\nID card reads per capture condition, ${COND_N} cards per side each (cards ${COND_FROM}-${COND_FROM + COND_N - 1}, seed ${COND_SEED}${COND_SEED === EVALUATION_SEED ? ', the evaluation seed' : ''}); % of captures`
	);
	console.log(
		`${'condition'.padEnd(19)} ${'number'.padStart(6)} ${'name'.padStart(6)} ${'addr'.padStart(6)} ${'auth'.padStart(6)} ${'valid'.padStart(6)} ${'refused'.padStart(7)} ${'glare'.padStart(6)} ${'flagged'.padStart(7)} ${'silent'.padStart(6)}  reasons`
	);
	for (const r of rows) {
		console.log(
			`${r.condition.padEnd(19)} ${pct(r.idNumber)} ${pct(r.name)} ${pct(r.address)} ${pct(r.authority)} ${pct(r.validity)} ${pct(r.refused).padStart(7)} ${pct(r.refusedAsGlare)} ${pct(r.flagged).padStart(7)} ${pct(r.silentlyWrong)}  ${JSON.stringify(r.reasons)}`
		);
	}
	const readable = rows.filter((r) => r.expect === 'read');
	const mean = (k: keyof ConditionRow) =>
		readable.reduce((a, r) => a + (r[k] as number), 0) / Math.max(1, readable.length);
	console.log(
		`${'all readable'.padEnd(19)} ${pct(mean('idNumber'))} ${pct(mean('name'))} ${pct(mean('address'))} ${pct(mean('authority'))} ${pct(mean('validity'))} ${pct(mean('refused')).padStart(7)} ${pct(mean('refusedAsGlare'))} ${pct(mean('flagged')).padStart(7)} ${pct(mean('silentlyWrong'))}`
	);
	return rows;
}

/**
 * Recapture warnings (checked on the located, rectified card before OCR): on genuine captures of every reading
 * condition (false warnings) and on the card shown on a screen, photocopied and printed (caught, and caught as
 * the right kind), plus the fixture cards (a black-and-white specimen is a grey copy; the blank templates are
 * colour originals).
 */
async function recaptureTable(readRows: ConditionRow[]): Promise<Record<string, unknown>> {
	const rows: {
		condition: string;
		cards: number;
		warned: number;
		rightKind: number;
		kinds: Record<string, number>;
	}[] = [];
	const only = process.env.ZV_BENCH_CONDITIONS?.split(',');
	const genuine = CAPTURE_CONDITIONS.filter(
		(c) => c.expect === 'read' && (!only || only.some((o) => c.name.startsWith(o)))
	);
	// The per-condition reads ran the same check on the same genuine cards: their counts are reused.
	const fromReads = genuine.filter((c) => readRows.some((r) => r.condition === c.name));
	for (const condition of fromReads) {
		const r = readRows.find((x) => x.condition === condition.name)!;
		const warned = Object.values(r.recaptureWarned).reduce((a, b) => a + b, 0);
		const kinds = { ...r.recaptureWarned, none: r.located - warned };
		rows.push({ condition: condition.name, cards: r.located, warned, rightKind: r.located - warned, kinds });
	}
	for (const condition of [...genuine.filter((c) => !fromReads.includes(c)), ...RECAPTURE_CONDITIONS]) {
		const kinds: Record<string, number> = {};
		let cards = 0;
		let warned = 0;
		let rightKind = 0;
		for (let i = 0; i < RECAPTURE_N; i++) {
			for (const side of ['portrait', 'emblem'] as const) {
				const seed = COND_SEED + i;
				const degrade = conditionDegradation(condition, seed, side);
				const card = await generateCard({ seed, side, degrade, write: false });
				const image = await decodeImage(card.bytes);
				const located = locateCard(image);
				if (!located.ok) continue;
				cards++;
				const { kind } = checkRecapture(
					warpPerspective(image, located.location.corners, RECTIFIED_W, RECTIFIED_H)
				);
				kinds[kind ?? 'none'] = (kinds[kind ?? 'none'] ?? 0) + 1;
				if (kind) warned++;
				if (kind === (degrade.recapture?.kind ?? null)) rightKind++;
			}
		}
		rows.push({ condition: condition.name, cards, warned, rightKind, kinds });
		console.error(`  recapture ${condition.name}: ${JSON.stringify(kinds)}`);
	}
	const fixtures: Record<string, string | null> = {};
	const { existsSync } = await import('node:fs');
	for (const file of [
		'specimen_airobot_portrait_side_bw.jpg',
		'specimen_airobot_emblem_side_bw.jpg',
		'template_blank_portrait_side.jpg',
		'template_blank_emblem_side.jpg'
	]) {
		const path = join(fixturesDir, 'idcards', file);
		if (!existsSync(path)) continue;
		const image = await decodeImage(readFileSync(path));
		const located = locateCard(image);
		fixtures[file] = located.ok
			? (checkRecapture(warpPerspective(image, located.location.corners, RECTIFIED_W, RECTIFIED_H)).kind ??
				'none')
			: 'not located';
	}
	const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}`.padStart(6);
	console.log(
		`\nRecapture warnings, ${RECAPTURE_N} cards per side and recapture condition, genuine ones ${fromReads.length ? `from the reads above (${COND_N} per side)` : `${RECAPTURE_N} per side`} (seed ${COND_SEED}); located cards`
	);
	console.log(
		`${'condition'.padEnd(19)} ${'cards'.padStart(5)} ${'warned'.padStart(6)} ${'kind ok'.padStart(7)}  kinds`
	);
	for (const r of rows)
		console.log(
			`${r.condition.padEnd(19)} ${String(r.cards).padStart(5)} ${pct(r.warned, r.cards)} ${pct(r.rightKind, r.cards).padStart(7)}  ${JSON.stringify(r.kinds)}`
		);
	const sum = (rs: typeof rows, k: 'cards' | 'warned' | 'rightKind') => rs.reduce((a, r) => a + r[k], 0);
	const isGenuine = (r: (typeof rows)[number]) => genuine.some((c) => c.name === r.condition);
	const g = rows.filter(isGenuine);
	const rc = rows.filter((r) => !isGenuine(r));
	console.log(
		`genuine captures warned (false warnings): ${pct(sum(g, 'warned'), sum(g, 'cards'))} % of ${sum(g, 'cards')}; recaptures caught: ${pct(sum(rc, 'warned'), sum(rc, 'cards'))} % of ${sum(rc, 'cards')} (right kind ${pct(sum(rc, 'rightKind'), sum(rc, 'cards'))} %)`
	);
	console.log(`fixture cards: ${JSON.stringify(fixtures)}`);
	return {
		rows,
		falseWarnings: sum(g, 'warned') / Math.max(1, sum(g, 'cards')),
		caught: sum(rc, 'warned') / Math.max(1, sum(rc, 'cards')),
		fixtures
	};
}

async function main() {
	const t0 = performance.now();
	await idCardReader.warmUp();
	const loadMs = performance.now() - t0;
	const condStart = performance.now();
	const conditions = COND_N > 0 ? await perCondition() : [];
	const condMs = performance.now() - condStart;
	if (conditions.length) {
		mkdirSync('bench/out', { recursive: true });
		writeFileSync(
			`bench/out/idcard-conditions${PART}.json`,
			JSON.stringify(
				{
					date: new Date().toISOString(),
					seed: COND_SEED,
					evaluationSeed: COND_SEED === EVALUATION_SEED,
					cardsPerSide: COND_N,
					sides: COND_SIDES,
					firstCard: COND_FROM,
					conditions,
					minutes: condMs / 60000,
					loadAverage: (await import('node:os')).loadavg()
				},
				null,
				2
			)
		);
		console.log(
			`per-condition run: ${(condMs / 60000).toFixed(1)} min, load average ${(await import('node:os'))
				.loadavg()
				.map((x) => x.toFixed(1))
				.join(' ')} (2 cores); wrote bench/out/idcard-conditions${PART}.json`
		);
	}
	if (RECAPTURE_N > 0) {
		const recapture = await recaptureTable(conditions);
		mkdirSync('bench/out', { recursive: true });
		writeFileSync(
			`bench/out/idcard-recapture${PART}.json`,
			JSON.stringify(
				{
					date: new Date().toISOString(),
					seed: COND_SEED,
					cardsPerSide: RECAPTURE_N,
					genuineCardsPerSide: conditions.length ? COND_N : RECAPTURE_N,
					firstCard: COND_FROM,
					...recapture
				},
				null,
				2
			)
		);
	}
	if (N === 0) return;
	const { existsSync } = await import('node:fs');
	const langPath = TESSDATA.find((p) => existsSync(join(p, 'chi_sim.traineddata')));
	if (!langPath) throw new Error('chi_sim.traineddata not found (apt-get install tesseract-ocr-chi-sim)');
	const t1 = performance.now();
	const tess = await createWorker('chi_sim', OEM.LSTM_ONLY, {
		langPath,
		gzip: false,
		cachePath: join(tmpdir(), 'zv-tesseract-cache'),
		logger: () => {}
	});
	await tess.setParameters({ user_defined_dpi: '300' });
	const tessLoadMs = performance.now() - t1;

	// The browser runtime, served from static/ like the app does, 1 thread (a page without cross-origin isolation).
	const webRuntime = createWebRuntime({
		fetch: (async (input: string | URL | Request) =>
			new Response(new Uint8Array(readFileSync(join(staticDir, String(input)))))) as typeof fetch,
		numThreads: 1,
		wasmPrefix: join(staticDir, 'vendor', 'ort') + '/'
	});
	const t2 = performance.now();
	const webReader = createIdCardReader({
		runtime: webRuntime,
		dictionary: new TextDecoder().decode(await webRuntime.fetchVerified('ocr.keys')),
		regions: nodeRegionTable()
	});
	await webReader.warmUp();
	const webLoadMs = performance.now() - t2;
	const webMs: Record<Side, number[]> = { portrait: [], emblem: [] };

	// The float32 originals straight from the npm package (sha256 as models/manifest/ocr.json names them).
	const fp32Reader = COMPARE_FP32
		? createIdCardReader({ runtime: originalsRuntime(), dictionary: ocrKeys(), regions: nodeRegionTable() })
		: null;
	const fp32 = tally();
	let fp32Agrees = 0;
	let webAgrees = 0;

	const ours = tally();
	/** PP-OCRv4 on the first TESS_N cards per side: the same images tesseract.js read. */
	const oursSub = tally();
	const base = tally();
	const oursAll = { portrait: 0, emblem: 0 };
	const baseAll = { portrait: 0, emblem: 0 };
	const oursMs: Record<Side, number[]> = { portrait: [], emblem: [] };
	const baseMs: Record<Side, number[]> = { portrait: [], emblem: [] };
	const stageMs = { locate: [] as number[], detect: [] as number[], recognize: [] as number[] };
	const refused: Record<string, number> = {};
	let located = 0;
	const failures: { seed: number; side: Side; field: string; want: string; ours: string | null }[] = [];

	for (let i = 0; i < N; i++) {
		for (const side of ['portrait', 'emblem'] as const) {
			const seed = 1000 + i;
			const card = await generateCard({ seed, side, degrade: 'random', write: false });
			const image = await decodeImage(card.bytes);
			const options = SIDE_HINT ? { today, side } : { today };
			const r = await idCardReader.read(image, options);
			oursMs[side].push(r.timings.total);
			stageMs.locate.push(r.timings.locate);
			stageMs.detect.push(r.timings.detect);
			stageMs.recognize.push(r.timings.recognize);
			if (r.status !== 'ok')
				refused[r.reasons[0]?.code ?? r.status] = (refused[r.reasons[0]?.code ?? r.status] ?? 0) + 1;
			if (score(ours, side, card.identity, r.fields)) oursAll[side]++;
			if (i < TESS_N) score(oursSub, side, card.identity, r.fields);
			for (const f of FIELDS[side]) {
				const got = r.fields[f] == null ? null : String(r.fields[f]);
				if (got !== String(card.identity[f]))
					failures.push({ seed, side, field: f, want: String(card.identity[f]), ours: got });
			}
			if (fp32Reader) {
				const f = await fp32Reader.read(image, options);
				score(fp32, side, card.identity, f.fields);
				if (JSON.stringify(f.fields) === JSON.stringify(r.fields)) fp32Agrees++;
				else
					console.error(
						`  float32 originals and staged weights differ on ${side} ${seed}: ${JSON.stringify(f.fields)} vs ${JSON.stringify(r.fields)}`
					);
			}
			if (r.status === 'ok') scoreRead(side, card.identity, r.fields);
			if (i < WEB_N) {
				const w = await webReader.read(image, options);
				webMs[side].push(w.timings.total);
				if (JSON.stringify(w.fields) === JSON.stringify(r.fields)) webAgrees++;
			}
			// Baseline on the same rectified card (the first TESS_N cards per side).
			if (i >= TESS_N) continue;
			const loc = locateCard(image);
			let lines: OcrLine[] = [];
			if (loc.ok) {
				located++;
				const rect = warpPerspective(image, loc.location.corners, RECTIFIED_W, RECTIFIED_H);
				const t = performance.now();
				const res = await tess.recognize(await encodePng(rect), {}, { blocks: true });
				baseMs[side].push(performance.now() - t);
				for (const b of res.data.blocks ?? []) {
					for (const p of b.paragraphs) {
						for (const l of p.lines) {
							const text = l.text.replace(/\s+/g, '');
							if (!text) continue;
							lines.push({
								box: {
									x: l.bbox.x0,
									y: l.bbox.y0,
									width: l.bbox.x1 - l.bbox.x0,
									height: l.bbox.y1 - l.bbox.y0
								},
								text,
								confidence: l.confidence / 100
							});
						}
					}
				}
			} else lines = [];
			const parsed =
				side === 'portrait'
					? parsePortrait(lines, RECTIFIED_W, RECTIFIED_H).fields
					: parseEmblem(lines).fields;
			if (score(base, side, card.identity, parsed)) baseAll[side]++;
		}
		if ((i + 1) % 10 === 0) console.error(`  ${i + 1}/${N} cards per side`);
	}
	await tess.terminate();

	const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
	const rows = ([...FIELDS.portrait, ...FIELDS.emblem] as Field[]).map((f) => ({
		field: f,
		ppocrExact: ours[f].exact / ours[f].n,
		ppocrCharAcc: ours[f].charAcc / ours[f].n,
		ppocrExactGateAccepted: oursRead[f].exact / oursRead[f].n,
		ppocrCharAccGateAccepted: oursRead[f].charAcc / oursRead[f].n,
		ppocrExactOnBaselineCards: oursSub[f].exact / oursSub[f].n,
		tesseractExact: base[f].exact / base[f].n,
		tesseractCharAcc: base[f].charAcc / base[f].n,
		...(COMPARE_FP32
			? { fp32Exact: fp32[f].exact / fp32[f].n, fp32CharAcc: fp32[f].charAcc / fp32[f].n }
			: {})
	}));
	console.log(
		`\nID card OCR on ${N} generated degraded cards per side (rotation, perspective, blur, JPEG q50/75, uneven light, card ~60-80 % of a 1280x960 frame)`
	);
	console.log(
		`${'field'.padEnd(11)} ${'PP-OCRv4 exact'.padStart(15)} ${'char acc'.padStart(9)} ${'gate-passed exact'.padStart(18)} ${'char acc'.padStart(9)}   ${`first ${TESS_N}: PP-OCRv4`.padStart(20)} ${'tesseract exact'.padStart(15)} ${'char acc'.padStart(9)}`
	);
	for (const r of rows) {
		console.log(
			`${r.field.padEnd(11)} ${pct(r.ppocrExact).padStart(15)} ${pct(r.ppocrCharAcc).padStart(9)} ${pct(r.ppocrExactGateAccepted).padStart(18)} ${pct(r.ppocrCharAccGateAccepted).padStart(9)}   ${pct(r.ppocrExactOnBaselineCards).padStart(20)} ${pct(r.tesseractExact).padStart(15)} ${pct(r.tesseractCharAcc).padStart(9)}`
		);
	}
	console.log(
		`cards per side: ${N}; gate-passed: portrait ${oursRead.name.n}, emblem ${oursRead.authority.n}; tesseract.js on the first ${TESS_N} per side`
	);
	if (COMPARE_FP32) {
		console.log(
			`float32 originals vs the staged weights: same fields on ${fp32Agrees}/${2 * N} cards; float32 exact: ${rows.map((r) => `${r.field} ${pct(r.fp32Exact ?? 0)}`).join(', ')}`
		);
	}
	console.log(
		`all fields right: portrait ${oursAll.portrait}/${N}, emblem ${oursAll.emblem}/${N}; tesseract.js portrait ${baseAll.portrait}/${TESS_N}, emblem ${baseAll.emblem}/${TESS_N}`
	);
	console.log(
		`refused by capture gates: ${JSON.stringify(refused)}; card located for the baseline: ${located}/${2 * TESS_N}`
	);
	const ms = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, p90 ${p90(xs).toFixed(0)} ms`;
	console.log(
		`time per side, Node (${nodeRuntime.name}), whole read: portrait ${ms(oursMs.portrait)}; emblem ${ms(oursMs.emblem)}`
	);
	console.log(
		`  stages (median): locate+rectify ${median(stageMs.locate).toFixed(0)} ms, det ${median(stageMs.detect).toFixed(0)} ms, rec ${median(stageMs.recognize).toFixed(0)} ms; model load + warm-up ${loadMs.toFixed(0)} ms`
	);
	console.log(
		`onnxruntime-web (WASM, 1 thread, in Node), ${WEB_N} cards per side: portrait ${ms(webMs.portrait)}; emblem ${ms(webMs.emblem)}; load ${webLoadMs.toFixed(0)} ms; same fields as onnxruntime-node on ${webAgrees}/${2 * WEB_N}`
	);
	console.log(
		`tesseract.js recognize only: portrait ${ms(baseMs.portrait)}; emblem ${ms(baseMs.emblem)}; load ${tessLoadMs.toFixed(0)} ms`
	);
	if (failures.length) console.log(`PP-OCRv4 misses (first 10): ${JSON.stringify(failures.slice(0, 10))}`);

	mkdirSync('bench/out', { recursive: true });
	writeFileSync(
		'bench/out/idcard.json',
		JSON.stringify(
			{
				date: new Date().toISOString(),
				cardsPerSide: N,
				baselineCardsPerSide: TESS_N,
				gatePassed: { portrait: oursRead.name.n, emblem: oursRead.authority.n },
				fp32Comparison: COMPARE_FP32 ? { sameFields: fp32Agrees, cards: 2 * N } : null,
				degradation: 'random (tests/support/idcard/generate.ts randomDegradation)',
				runtime: nodeRuntime.name,
				baseline: `tesseract.js 7.0.0 + chi_sim (${langPath}), LSTM, same rectified card and parser`,
				fields: rows,
				allFieldsRight: { ppocr: oursAll, tesseract: baseAll },
				refused,
				timingMs: {
					node: {
						portrait: { median: median(oursMs.portrait), p90: p90(oursMs.portrait) },
						emblem: { median: median(oursMs.emblem), p90: p90(oursMs.emblem) },
						stagesMedian: {
							locate: median(stageMs.locate),
							detect: median(stageMs.detect),
							recognize: median(stageMs.recognize)
						},
						modelLoad: loadMs
					},
					tesseract: {
						portrait: { median: median(baseMs.portrait), p90: p90(baseMs.portrait) },
						emblem: { median: median(baseMs.emblem), p90: p90(baseMs.emblem) },
						load: tessLoadMs
					},
					onnxruntimeWebWasm1Thread: {
						cards: 2 * WEB_N,
						portrait: { median: median(webMs.portrait), p90: p90(webMs.portrait) },
						emblem: { median: median(webMs.emblem), p90: p90(webMs.emblem) },
						load: webLoadMs,
						sameFieldsAsNode: webAgrees
					},
					chromiumWorker: null
				},
				loadAverage: (await import('node:os')).loadavg(),
				failures
			},
			null,
			2
		)
	);
	console.log(
		`load average during the run: ${(await import('node:os'))
			.loadavg()
			.map((x) => x.toFixed(1))
			.join(' ')} (2 cores)`
	);
	console.log('wrote bench/out/idcard.json');
}

await main();
