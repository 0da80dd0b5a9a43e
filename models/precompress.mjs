// Brotli and gzip copies of the built models, next to them: the node adapter precompresses scripts, styles and
// WASM but not `.onnx`, and 8-bit weights do compress. The server sends a copy only to a browser that accepts its
// encoding; a copy that would not be smaller is not written.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Writes `<file>.br` and `<file>.gz` for every `.onnx` under `dir`; returns the files compressed. */
export async function precompressModels(dir) {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	const models = entries.filter((e) => e.isFile() && e.name.endsWith('.onnx'));
	for (const entry of models) {
		const file = join(entry.parentPath, entry.name);
		const body = await readFile(file);
		const copies = [
			['.br', await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })],
			['.gz', await gz(body, { level: 9 })]
		];
		for (const [suffix, copy] of copies) if (copy.length < body.length) await writeFile(file + suffix, copy);
	}
	return models.length;
}
