// Brotli and gzip copies of the built client's files, next to them, for the node adapter's server to send to a
// browser that accepts the encoding. It replaces the adapter's own step for two reasons: that step skips `.onnx`
// (8-bit weights do compress), and it recompresses ~55 MB of onnxruntime WASM at brotli's highest quality on every
// build, which takes minutes on a loaded 2-core machine. Copies are cached by the sha256 of the file, so a build
// compresses only what changed. A copy that would not be smaller is not written.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** What the adapter compresses, and the models. */
const EXTENSIONS = new Set([
	...['.html', '.js', '.mjs', '.json', '.css', '.svg', '.xml', '.wasm', '.txt', '.md', '.mdx'],
	'.onnx'
]);

/** Bump when the settings below change, so cached copies made with the old ones are not reused. */
const CACHE_VERSION = 'q11-l9-v1';
const CACHE_DIR = join('node_modules', '.cache', 'zv-precompress');

const ENCODERS = {
	'.br': (body) =>
		brotli(body, {
			params: {
				[constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
				[constants.BROTLI_PARAM_SIZE_HINT]: body.length
			}
		}),
	'.gz': (body) => gz(body, { level: constants.Z_BEST_COMPRESSION })
};

/** Copies being made in this build, by cache file: identical files (the runtime's WASM is in two folders) share one. */
const pending = new Map();

/** The copy of `body` in `suffix`'s encoding, from the cache when this content was compressed before. */
function cachedCopy(body, hash, suffix) {
	const key = `${hash}${suffix}`;
	if (!pending.has(key)) pending.set(key, makeCachedCopy(body, hash, suffix));
	return pending.get(key);
}

async function makeCachedCopy(body, hash, suffix) {
	const cached = join(CACHE_DIR, `${hash}${suffix}`);
	if (existsSync(cached)) return readFile(cached);
	const copy = await ENCODERS[suffix](body);
	await mkdir(CACHE_DIR, { recursive: true });
	// Written under a temporary name first: a build stopped mid-write leaves no truncated copy to reuse.
	const partial = `${cached}.${process.pid}.tmp`;
	await writeFile(partial, copy);
	await rename(partial, cached);
	return copy;
}

/** Writes `<file>.br` and `<file>.gz` for every compressible file under `dir`; returns how many it compressed. */
export async function precompressDirectory(dir) {
	if (!existsSync(dir)) return 0;
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	const files = entries.filter((e) => e.isFile() && EXTENSIONS.has(extname(e.name)));
	// All at once, as the adapter does: zlib works on libuv's thread pool, which bounds how many run together.
	await Promise.all(
		files.map(async (entry) => {
			const file = join(entry.parentPath, entry.name);
			const body = await readFile(file);
			const hash = createHash('sha256').update(CACHE_VERSION).update(body).digest('hex');
			for (const suffix of Object.keys(ENCODERS)) {
				const copy = await cachedCopy(body, hash, suffix);
				if (copy.length < body.length) await writeFile(file + suffix, copy);
			}
		})
	);
	return files.length;
}
