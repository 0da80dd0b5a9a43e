import { existsSync, statSync } from 'node:fs';
import type { RgbaImage } from '../lib/core/image/types.ts';
import { decodeImage } from '../lib/runtime/node-image.ts';
import { CliError } from './errors.ts';

/** Reads an image file for a command, turning every bad input into one clear message. */
export async function readImageArg(path: string | undefined, what = 'IMG'): Promise<RgbaImage> {
	if (!path) throw new CliError(`missing ${what} argument`, 2);
	if (!existsSync(path)) throw new CliError(`${path}: no such file`, 2);
	if (!statSync(path).isFile()) throw new CliError(`${path}: not a file`, 2);
	try {
		return await decodeImage(path);
	} catch {
		throw new CliError(`${path}: not an image this tool can read (JPEG, PNG, WebP)`, 3);
	}
}
