// `zv photo`: registration-photo checks, the processed output photo, and the server's re-check, on the command line.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createFaceEngine } from '../../lib/core/face/engine.ts';
import { sniffFormat } from '../../lib/core/image/jpeg-header.ts';
import { compareFaces } from '../../lib/core/face/match.ts';
import type { DetectedFace, FaceEngine } from '../../lib/core/face/types.ts';
import type { RgbaImage } from '../../lib/core/image/types.ts';
import { checkPhotoContent } from '../../lib/core/photo/checks.ts';
import { checkUploadFile } from '../../lib/core/photo/file-checks.ts';
import { makePhoto } from '../../lib/core/photo/pipeline.ts';
import { combine, type PhotoVerdict } from '../../lib/core/photo/reasons.ts';
import { recheckUploadedPhoto } from '../../lib/core/photo/recheck.ts';
import { createPersonSegmenter } from '../../lib/core/photo/segment-model.ts';
import type { PhotoSpec } from '../../lib/core/photo/spec.ts';
import { nodeRuntime } from '../../lib/runtime/node.ts';
import { jpegJsEncoder, mozjpegEncoder } from '../../lib/runtime/node-photo.ts';
import { CliError, printJson } from '../errors.ts';
import { cliPolicy } from '../province.ts';
import { readImageArg } from '../input.ts';

export const summary =
	'check IMG [--id ID] | make IMG -o OUT.jpg [--id ID] [--encoder mozjpeg|jpeg-js] [--segmentation model|colour] | recheck FILE.jpg; each [--province P]';

const usage = `usage: zv photo check IMG [--id ID_PORTRAIT] [--province P]
       zv photo make IMG -o OUT.jpg [--id ID_PORTRAIT] [--encoder mozjpeg|jpeg-js] [--segmentation model|colour] [--province P]
       zv photo recheck FILE.jpg [--province P]
--province: the province whose photo spec and face-match threshold apply, as the phone and the server resolve
them (default hubei).`;

/** The province's photo spec, as the phone and the server resolve it. */
function provinceSpec(province = 'hubei'): PhotoSpec {
	const spec = cliPolicy(province).photoSpec;
	if (!spec) throw new CliError(`province "${province}" takes no photo`, 2);
	return spec;
}

let engine: FaceEngine | null = null;
const faceEngine = (): FaceEngine => (engine ??= createFaceEngine(nodeRuntime));

function readBytes(path: string | undefined): Uint8Array {
	if (!path) throw new CliError(`missing IMG argument\n${usage}`, 2);
	if (!existsSync(path)) throw new CliError(`${path}: no such file`, 2);
	if (!statSync(path).isFile()) throw new CliError(`${path}: not a file`, 2);
	return new Uint8Array(readFileSync(path));
}

/** The CLI's report shape: one message per reason (English, with the Chinese beside it). */
function report(v: PhotoVerdict, extra: Record<string, unknown> = {}) {
	return {
		ok: v.ok,
		reasons: v.reasons.map((r) => ({ code: r.code, message: r.en, zh: r.zh })),
		measures: v.measures,
		...extra
	};
}

/** Face-vs-ID similarity: the photo's face against the ID portrait's, through the face engine's embedder. */
async function faceMatchWith(image: RgbaImage, face: DetectedFace | null, idPath: string): Promise<number> {
	if (!face) throw new CliError('no single face in IMG to compare with the ID portrait', 1);
	const idImage = await readImageArg(idPath, 'ID_PORTRAIT');
	const e = faceEngine();
	const idMeasure = await e.measure(idImage);
	if (idMeasure.faceCount !== 1 || !idMeasure.face)
		throw new CliError(
			`${idPath}: the ID portrait must show exactly one face (found ${idMeasure.faceCount})`,
			1
		);
	const [a, b] = [await e.embed(image, face), await e.embed(idImage, idMeasure.face)];
	return compareFaces(a, b).similarity;
}

async function check(args: string[]): Promise<number> {
	let path: string | undefined;
	let idPath: string | undefined;
	let province: string | undefined;
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--id') idPath = args[++i];
		else if (args[i] === '--province') province = args[++i];
		else if (args[i].startsWith('-')) throw new CliError(`unknown option ${args[i]}\n${usage}`, 2);
		else path ??= args[i];
	}
	const spec = provinceSpec(province);
	const bytes = readBytes(path);
	const file = checkUploadFile(bytes, spec);
	if (file.reasons.some((r) => r.code === 'FILE_HEIC_UNSUPPORTED')) {
		printJson(report(combine([file])));
		return 1;
	}
	const image = await readImageArg(path);
	const m = await faceEngine().measure(image);
	const faceMatch = idPath && m.faceCount === 1 ? await faceMatchWith(image, m.face, idPath) : undefined;
	const verdict = combine([file, checkPhotoContent(image, m, spec, { faceMatch })]);
	printJson(report(verdict));
	return verdict.ok ? 0 : 1;
}

async function make(args: string[]): Promise<number> {
	let input: string | undefined;
	let output: string | undefined;
	let encoderName = 'mozjpeg';
	let segmentation = 'model';
	let idPath: string | undefined;
	let province: string | undefined;
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a === '-o' || a === '--output') output = args[++i];
		else if (a === '--province') province = args[++i];
		else if (a === '--encoder') encoderName = args[++i] ?? '';
		else if (a === '--segmentation') segmentation = args[++i] ?? '';
		else if (a === '--id') idPath = args[++i];
		else if (a.startsWith('-')) throw new CliError(`unknown option ${a}\n${usage}`, 2);
		else if (!input) input = a;
		else throw new CliError(`unexpected argument ${a}\n${usage}`, 2);
	}
	if (!output) throw new CliError(`missing -o OUT.jpg\n${usage}`, 2);
	const spec = provinceSpec(province);
	const encoder = { mozjpeg: mozjpegEncoder, 'jpeg-js': jpegJsEncoder }[encoderName];
	if (!encoder) throw new CliError(`unknown encoder "${encoderName}" (mozjpeg or jpeg-js)`, 2);
	if (segmentation !== 'model' && segmentation !== 'colour')
		throw new CliError(`unknown segmentation "${segmentation}" (model or colour)`, 2);
	if (sniffFormat(readBytes(input)) === 'heic')
		throw new CliError(`${input}: HEIC/HEIF is not supported; export the photo as JPG or PNG`, 3);
	const image = await readImageArg(input);
	const started = performance.now();
	const measurement = await faceEngine().measure(image);
	const mask = segmentation === 'model' ? await createPersonSegmenter(nodeRuntime).segment(image) : undefined;
	const faceMatch =
		idPath && measurement.faceCount === 1 ? await faceMatchWith(image, measurement.face, idPath) : undefined;
	const made = await makePhoto({ image, measurement, spec, encoder, mask, faceMatch });
	const ms = Math.round(performance.now() - started);
	if (made.bytes) writeFileSync(output, made.bytes);
	printJson(report(made, { output: made.bytes ? output : null, milliseconds: ms }));
	return made.ok ? 0 : 1;
}

async function recheck(args: string[]): Promise<number> {
	let path: string | undefined;
	let province: string | undefined;
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--province') province = args[++i];
		else if (args[i].startsWith('-')) throw new CliError(`unknown option ${args[i]}\n${usage}`, 2);
		else path ??= args[i];
	}
	const spec = provinceSpec(province);
	const verdict = await recheckUploadedPhoto(readBytes(path), spec, faceEngine());
	printJson(report(verdict));
	return verdict.ok ? 0 : 1;
}

export async function run(args: string[]): Promise<number> {
	const [sub, ...rest] = args;
	if (sub === 'check') return check(rest);
	if (sub === 'make') return make(rest);
	if (sub === 'recheck') return recheck(rest);
	throw new CliError(sub ? `unknown subcommand "${sub}"\n${usage}` : usage, 2);
}
