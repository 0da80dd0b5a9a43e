// Face-morphing attack (枪手 morph) against the server's own face engine: the candidate A uploads a photo blended
// with a stand-in B, so that the photo confirms against A's reference and the stand-in resembles it at the exam.
// Morphs of every pair of fixture people (tests/support/morph.ts: similarity blend "sim", landmark morph "pwa") at
// the stand-in shares alpha are JPEG-encoded and decoded as an upload, measured and embedded as the server does, and
// compared with the other photos of A and of B. Reported beside genuine/impostor pairs of the original photos and
// each photo alone through the same pipeline (the control): pass rates at FACE_MATCH.match and .strict, photos
// that match both people, the largest stand-in share an attacker (who has the engine: it ships to the phone) can
// choose at stricter thresholds, and what the photo checks (Hubei spec) say about morphs.
//   npm run bench -- morph   (ZV_BENCH_MORPH_MODES=sim,pwa  ZV_BENCH_MORPH_ALPHAS=0.3,0.5,0.7)  -> bench/out/morph.json
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { cosineSimilarity, FACE_MATCH } from '../../src/lib/core/face/match.ts';
import type { RgbaImage } from '../../src/lib/core/image/types.ts';
import { checkPhotoContent } from '../../src/lib/core/photo/checks.ts';
import { hubeiPhotoSpec } from '../../src/lib/core/photo/spec.ts';
import { decodeImage, decodeUploadJpeg } from '../../src/lib/runtime/node-image.ts';
import { serverRuntime } from '../../src/lib/runtime/node-server.ts';
import { fixture } from '../support/fixtures.ts';
import { MORPH_MODES, morphFaces, type MorphMode, type MorphSource } from '../support/morph.ts';

const MODES = (process.env.ZV_BENCH_MORPH_MODES ?? MORPH_MODES.join(',')).split(',').map(morphMode);
/** A mistyped mode fails the run rather than silently measuring less. */
function morphMode(name: string): MorphMode {
	const mode = MORPH_MODES.find((m) => m === name);
	if (!mode) throw new Error(`ZV_BENCH_MORPH_MODES: unknown mode ${name} (${MORPH_MODES.join(', ')})`);
	return mode;
}
const ALPHAS = (process.env.ZV_BENCH_MORPH_ALPHAS ?? '0.3,0.5,0.7').split(',').map(Number);
const OUT = process.env.ZV_BENCH_OUT ?? 'bench/out/morph.json';
const { match: MATCH, strict: STRICT } = FACE_MATCH;
/** The classic 50/50 morph: its rows are also broken down by fixture set and same-sex pairs. */
const EVEN_SHARE = 0.5;
/**
 * Thresholds on sim(upload, A) the attacker is tested against: today's two, and two a stricter differential check
 * could use (hypothetical: 0.585 was the best balanced one on these fixtures for 50/50 landmark morphs).
 */
const CANDIDATE_THRESHOLDS = [MATCH, STRICT, 0.585, 0.65];
/** Women among the fixture people: an attacker picks a stand-in of the candidate's sex (the same-sex rows). */
const WOMEN = new Set([
	'bbt_amy',
	'bbt_bernadette',
	'bbt_penny',
	'lfw_Zhang_Ziyi',
	'lfw_Lucy_Liu',
	'lfw_Michelle_Yeoh',
	'lfw_Ai_Sugiyama'
]);
/** JPEG quality of the morphs: an attacker's ordinary export, and the upload is a JPEG the server decodes. */
const MORPH_JPEG_QUALITY = 90;

const face = createFaceEngine(serverRuntime);
await face.warmUp();
const started = Date.now();

interface Photo {
	file: string;
	person: string;
	/** bbt (grey TV stills, 5 per person) or lfw (news photos, 3 per person): people are paired within a set. */
	set: string;
	source: MorphSource;
	embedding: Float32Array;
}

/** What the server would see of an uploaded image: faces, embedding when exactly one, photo-check reasons. */
interface Upload {
	faceCount: number;
	embedding: Float32Array | null;
	reasons: string[];
	sharpness: number | null;
}

interface MorphResult {
	mode: MorphMode;
	alpha: number;
	a: Photo;
	b: Photo;
	upload: Upload;
	/** Similarity to each other photo of A (A's possible references; the source photo excluded). */
	toA: number[];
	toB: number[];
}

interface ControlResult {
	mode: MorphMode;
	photo: Photo;
	upload: Upload;
	toOwn: number[];
}

/** Fixture people with numbered photos, each photo with exactly the face measure() picks (the largest). */
async function loadPhotos(): Promise<{ photos: Photo[]; severalFaces: string[] }> {
	const files = readdirSync(fixture('faces'))
		.filter((f) => /^(bbt_[a-z]+|lfw_.+)_\d\.(png|jpg)$/.test(f))
		.sort();
	const photos: Photo[] = [];
	const severalFaces: string[] = [];
	for (const file of files) {
		const image = await decodeImage(fixture('faces', file));
		const m = await face.measure(image);
		if (!m.face?.keypoints || !m.landmarks) continue;
		// Listed: the server's embedPhoto would refuse such a photo as a reference; here its largest face stands.
		if (m.faceCount > 1) severalFaces.push(file);
		const person = file.replace(/_\d\.(png|jpg)$/, '');
		photos.push({
			file,
			person,
			set: person.split('_')[0],
			source: { image, keypoints: m.face.keypoints, landmarks: m.landmarks },
			embedding: (await face.embed(image, m.face)).vector
		});
	}
	return { photos, severalFaces };
}

/** The morph as the attacker would upload it: a JPEG of an ordinary export quality. */
async function toJpeg(image: RgbaImage): Promise<Uint8Array> {
	const pixels = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
	const raw = { width: image.width, height: image.height, channels: 4 as const };
	return new Uint8Array(
		await sharp(pixels, { raw }).removeAlpha().jpeg({ quality: MORPH_JPEG_QUALITY }).toBuffer()
	);
}

/** Decoded, measured, checked and embedded as the server treats an upload. */
async function asUpload(image: RgbaImage): Promise<Upload> {
	const decoded = await decodeUploadJpeg(await toJpeg(image));
	const m = await face.measure(decoded);
	const verdict = checkPhotoContent(decoded, m, hubeiPhotoSpec);
	const sharpness = verdict.measures.sharpness;
	return {
		faceCount: m.faceCount,
		embedding: m.faceCount === 1 && m.face ? (await face.embed(decoded, m.face)).vector : null,
		reasons: verdict.reasons.map((r) => r.code),
		sharpness: typeof sharpness === 'number' ? sharpness : null
	};
}

const { photos, severalFaces } = await loadPhotos();
const byPerson = new Map<string, Photo[]>();
for (const p of photos) byPerson.set(p.person, [...(byPerson.get(p.person) ?? []), p]);
const people = [...byPerson.keys()];
const sameSex = (a: Photo, b: Photo) => WOMEN.has(a.person) === WOMEN.has(b.person);

/** Similarities of an upload to every photo of `person` but `except` (none when it has no single face). */
function similarities(upload: Upload, person: string, except: Photo): number[] {
	const { embedding } = upload;
	if (!embedding) return [];
	return byPerson
		.get(person)!
		.filter((p) => p !== except)
		.map((p) => cosineSimilarity(embedding, p.embedding));
}

/** Every within-set pair of original photos: same person (genuine) or not (impostor). */
function baselinePairs() {
	const pairs: { set: string; genuine: boolean; sameSex: boolean; similarity: number }[] = [];
	for (let i = 0; i < photos.length; i++)
		for (const b of photos.slice(i + 1)) {
			const a = photos[i];
			if (a.set !== b.set) continue;
			const similarity = cosineSimilarity(a.embedding, b.embedding);
			pairs.push({ set: a.set, genuine: a.person === b.person, sameSex: sameSex(a, b), similarity });
		}
	return pairs;
}

/** Each person pair within a set, photo i of A with photo i+1 of B: every photo of A serves once per partner. */
function morphPairs(): [Photo, Photo][] {
	const pairs: [Photo, Photo][] = [];
	for (let x = 0; x < people.length; x++)
		for (const personB of people.slice(x + 1)) {
			const [photosA, photosB] = [byPerson.get(people[x])!, byPerson.get(personB)!];
			if (photosA[0].set !== photosB[0].set) continue;
			for (let i = 0; i < Math.min(photosA.length, photosB.length); i++)
				pairs.push([photosA[i], photosB[(i + 1) % photosB.length]]);
		}
	return pairs;
}

async function runMorphs(): Promise<{ controls: ControlResult[]; morphs: MorphResult[] }> {
	const controls: ControlResult[] = [];
	const morphs: MorphResult[] = [];
	for (const mode of MODES) {
		for (const photo of photos) {
			const upload = await asUpload(morphFaces(photo.source, photo.source, 0, mode));
			controls.push({ mode, photo, upload, toOwn: similarities(upload, photo.person, photo) });
		}
		for (const [a, b] of morphPairs())
			for (const alpha of ALPHAS) {
				const upload = await asUpload(morphFaces(a.source, b.source, alpha, mode));
				morphs.push({
					mode,
					alpha,
					a,
					b,
					upload,
					toA: similarities(upload, a.person, a),
					toB: similarities(upload, b.person, b)
				});
			}
		console.log(`${mode}: ${morphs.length} morphs so far, ${Math.round((Date.now() - started) / 1000)} s`);
	}
	return { controls, morphs };
}

// ---- statistics

/** Linear-interpolated quantile (numpy's default), q in 0..1. */
function quantile(values: readonly number[], q: number): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((x, y) => x - y);
	const at = q * (sorted.length - 1);
	const low = Math.floor(at);
	return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}
const median = (values: readonly number[]) => quantile(values, 0.5);
const share = (count: number, total: number) => (total ? count / total : 0);
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
/** Shares (0..1) keep 6 digits in the JSON, so a table's percentage is not rounded twice (27.349 % -> 27.4 %). */
const SHARE_DIGITS = 6;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const countPct = (count: number, total: number) => `${count} (${(share(count, total) * 100).toFixed(0)} %)`;

function distribution(label: string, values: readonly number[]) {
	return {
		label,
		n: values.length,
		min: round(Math.min(...values)),
		p5: round(quantile(values, 0.05)),
		median: round(median(values)),
		p95: round(quantile(values, 0.95)),
		max: round(Math.max(...values)),
		atMatch: round(share(values.filter((s) => s >= MATCH).length, values.length), SHARE_DIGITS),
		atStrict: round(share(values.filter((s) => s >= STRICT).length, values.length), SHARE_DIGITS)
	};
}
type Distribution = ReturnType<typeof distribution>;

function printMarkdown(title: string, header: string[], rows: (string | number)[][]): void {
	console.log(`\n#### ${title}\n`);
	console.log(`| ${header.join(' | ')} |`);
	console.log(`| ${header.map(() => '---').join(' | ')} |`);
	for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

function printDistributions(title: string, rows: Distribution[]): void {
	printMarkdown(
		title,
		['pairs', 'n', 'min', 'p5', 'median', 'p95', 'max', `≥ ${MATCH} (match)`, `≥ ${STRICT} (strict)`],
		rows.map((r) => [
			r.label,
			r.n,
			...[r.min, r.p5, r.median, r.p95, r.max].map((x) => x.toFixed(3)),
			pct(r.atMatch),
			pct(r.atStrict)
		])
	);
}

// ---- sections

function baselineRows(controls: ControlResult[]): Distribution[] {
	const pairs = baselinePairs();
	const sets = [...new Set(photos.map((p) => p.set))];
	const of = (genuine: boolean, keep: (p: (typeof pairs)[number]) => boolean) =>
		pairs.filter((p) => p.genuine === genuine && keep(p)).map((p) => p.similarity);
	return [
		...sets.map((s) =>
			distribution(
				`genuine ${s}`,
				of(true, (p) => p.set === s)
			)
		),
		distribution(
			'genuine all',
			of(true, () => true)
		),
		...sets.flatMap((s) => [
			distribution(
				`impostor ${s}`,
				of(false, (p) => p.set === s)
			),
			distribution(
				`impostor ${s}, same sex`,
				of(false, (p) => p.set === s && p.sameSex)
			)
		]),
		distribution(
			'impostor all',
			of(false, () => true)
		),
		...MODES.map((mode) =>
			distribution(
				`control ${mode} (photo alone through the pipeline)`,
				controls.filter((c) => c.mode === mode).flatMap((c) => c.toOwn)
			)
		)
	];
}

const morphsOf = (morphs: MorphResult[], mode: MorphMode, alpha: number) =>
	morphs.filter((m) => m.mode === mode && m.alpha === alpha);

function similarityRows(morphs: MorphResult[]): Distribution[] {
	return MODES.flatMap((mode) =>
		ALPHAS.flatMap((alpha) => {
			const group = morphsOf(morphs, mode, alpha).filter((m) => m.upload.embedding);
			return [
				distribution(
					`${mode} α=${alpha} vs A`,
					group.flatMap((m) => m.toA)
				),
				distribution(
					`${mode} α=${alpha} vs B`,
					group.flatMap((m) => m.toB)
				)
			];
		})
	);
}

/** Per morph: passes as A (against any / the median / every reference of A), resembles B, both at once. */
function passRow(label: string, group: MorphResult[]) {
	const scored = group.filter((m) => m.upload.embedding);
	const count = (keep: (m: MorphResult) => boolean) => scored.filter(keep).length;
	return {
		label,
		n: scored.length,
		passAnyA: count((m) => m.toA.some((s) => s >= MATCH)),
		passMedianA: count((m) => median(m.toA) >= MATCH),
		passAllA: count((m) => m.toA.every((s) => s >= MATCH)),
		medianBAtMatch: count((m) => median(m.toB) >= MATCH),
		doubleAtMatch: count((m) => median(m.toA) >= MATCH && median(m.toB) >= MATCH),
		doubleAtStrict: count((m) => median(m.toA) >= STRICT && median(m.toB) >= STRICT)
	};
}

function passRows(morphs: MorphResult[]) {
	return MODES.flatMap((mode) => {
		const even = morphsOf(morphs, mode, EVEN_SHARE);
		const breakdown = even.length
			? [
					...[...new Set(photos.map((p) => p.set))].map((s) =>
						passRow(
							`${mode} α=${EVEN_SHARE} ${s} only`,
							even.filter((m) => m.a.set === s)
						)
					),
					passRow(
						`${mode} α=${EVEN_SHARE} same-sex pairs`,
						even.filter((m) => sameSex(m.a, m.b))
					)
				]
			: [];
		return [
			...ALPHAS.map((alpha) => passRow(`${mode} α=${alpha}`, morphsOf(morphs, mode, alpha))),
			...breakdown
		];
	});
}

/**
 * The attacker's choice per (A_i, B_j) photo pair: the largest stand-in share on the grid whose morph still has a
 * median similarity ≥ t to A's other photos; then how much that morph still resembles B.
 */
function attackerRows(morphs: MorphResult[]) {
	return MODES.flatMap((mode) => {
		const byPair = new Map<string, MorphResult[]>();
		for (const m of morphs.filter((x) => x.mode === mode && x.upload.embedding)) {
			const key = `${m.a.file}|${m.b.file}`;
			byPair.set(key, [...(byPair.get(key) ?? []), m]);
		}
		return CANDIDATE_THRESHOLDS.map((threshold) => {
			const chosen = [...byPair.values()]
				.map((group) => group.filter((m) => median(m.toA) >= threshold).sort((x, y) => y.alpha - x.alpha)[0])
				.filter((m): m is MorphResult => m !== undefined);
			const toB = chosen.map((m) => median(m.toB));
			return {
				mode,
				threshold,
				pairs: byPair.size,
				passing: chosen.length,
				medianShare: round(median(chosen.map((m) => m.alpha)), 3),
				atLeastEvenShare: chosen.filter((m) => m.alpha >= EVEN_SHARE).length,
				medianToB: round(median(toB)),
				alsoMatchesB: toB.filter((s) => s >= MATCH).length
			};
		});
	});
}

/** Share of images with each photo-check reason; backdrop and head framing fire on every canvas, so left out. */
function complianceRows(controls: ControlResult[], morphs: MorphResult[]) {
	const images = [
		...MODES.map((mode) => ({ label: `control ${mode}`, uploads: controls.filter((c) => c.mode === mode) })),
		...MODES.flatMap((mode) =>
			ALPHAS.map((alpha) => ({ label: `${mode} α=${alpha}`, uploads: morphsOf(morphs, mode, alpha) }))
		)
	].map(({ label, uploads }) => ({ label, uploads: uploads.map((u) => u.upload) }));
	const seen = new Map<string, number>();
	for (const u of images.flatMap((i) => i.uploads))
		for (const code of u.reasons) seen.set(code, (seen.get(code) ?? 0) + 1);
	const codes = [...seen.entries()]
		.filter(([code]) => !/^(BACKGROUND|HEAD)_/.test(code))
		.sort((x, y) => y[1] - x[1])
		.map(([code]) => code);
	const rows = images.map(({ label, uploads }) => {
		const sharpness = uploads.map((u) => u.sharpness).filter((s): s is number => s !== null);
		const rate = (keep: (u: Upload) => boolean) =>
			round(share(uploads.filter(keep).length, uploads.length), SHARE_DIGITS);
		return {
			label,
			n: uploads.length,
			sharpness: {
				median: round(median(sharpness), 1),
				min: Math.min(...sharpness),
				max: Math.max(...sharpness)
			},
			reasons: Object.fromEntries(codes.map((c) => [c, rate((u) => u.reasons.includes(c))])),
			noneOfThese: rate((u) => !u.reasons.some((c) => codes.includes(c)))
		};
	});
	return { codes, rows };
}

// ---- run and report

const { controls, morphs } = await runMorphs();
const baseline = baselineRows(controls);
const similarity = similarityRows(morphs);
const passing = passRows(morphs);
const attacker = attackerRows(morphs);
const compliance = complianceRows(controls, morphs);
const notOneFace = morphs.filter((m) => m.upload.faceCount !== 1).length;

console.log(
	`\n${photos.length} photos of ${people.length} people; several faces (the largest used): ${severalFaces.join(', ') || 'none'}`
);
printDistributions('Baseline: original fixture photos (within a set) and controls, server engine', baseline);
printDistributions(
	`Morphs M(A_i, B_j) vs the other photos of A (candidate) and of B (stand-in); α = B's share; ` +
		`${notOneFace} of ${morphs.length} morphs without exactly one face left out`,
	similarity
);
printMarkdown(
	`Per morph: passes as A (median over A's other photos ≥ ${MATCH}) and also resembles B ("double": both medians)`,
	[
		'morphs',
		'n',
		'pass, any ref A',
		'pass, median ref A',
		'pass, all refs A',
		`median vs B ≥ ${MATCH}`,
		`double ≥ ${MATCH}`,
		`double ≥ ${STRICT}`
	],
	passing.map((r) => [
		r.label,
		r.n,
		...[r.passAnyA, r.passMedianA, r.passAllA, r.medianBAtMatch, r.doubleAtMatch, r.doubleAtStrict].map((k) =>
			countPct(k, r.n)
		)
	])
);
printMarkdown(
	`Attacker-chosen α per (A_i, B_j) pair, α grid ${ALPHAS.join(', ')}: the largest whose median sim to A ≥ t`,
	[
		'mode',
		't on sim(photo, A)',
		'pairs with a passing morph',
		'median largest passing α',
		`… of which α ≥ ${EVEN_SHARE}`,
		'median sim to B at that α',
		`also ≥ ${MATCH} to B (of all pairs)`
	],
	attacker.map((r) => [
		r.mode,
		r.threshold,
		`${r.passing}/${r.pairs}`,
		r.medianShare.toFixed(2),
		r.atLeastEvenShare,
		r.medianToB.toFixed(3),
		countPct(r.alsoMatchesB, r.pairs)
	])
);
printMarkdown(
	`Photo checks (checkPhotoContent, hubeiPhotoSpec, min sharpness ${hubeiPhotoSpec.minSharpness}): share of images per reason`,
	['images', 'n', 'sharpness median (min–max)', ...compliance.codes, 'none of these'],
	compliance.rows.map((r) => [
		r.label,
		r.n,
		`${r.sharpness.median.toFixed(1)} (${r.sharpness.min.toFixed(1)}–${r.sharpness.max.toFixed(1)})`,
		...compliance.codes.map((c) => `${(r.reasons[c] * 100).toFixed(0)} %`),
		`${(r.noneOfThese * 100).toFixed(0)} %`
	])
);

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(
	OUT,
	JSON.stringify(
		{
			at: new Date().toISOString(),
			settings: { modes: MODES, alphas: ALPHAS, jpegQuality: MORPH_JPEG_QUALITY },
			thresholds: { match: MATCH, strict: STRICT, candidate: CANDIDATE_THRESHOLDS },
			photos: photos.length,
			people: people.length,
			severalFaces,
			morphs: morphs.length,
			morphsWithoutOneFace: notOneFace,
			baseline,
			similarity,
			passing,
			attacker,
			compliance,
			seconds: Math.round((Date.now() - started) / 1000),
			load: loadavg().map((l) => round(l, 2))
		},
		null,
		'\t'
	)
);
console.log(`\nwrote ${OUT} (${Math.round((Date.now() - started) / 1000)} s)`);
