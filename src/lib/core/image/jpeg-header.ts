// Reads what an upload form cares about from a file's bytes without decoding pixels: the container format,
// JPEG frame size (SOF), JFIF density and EXIF orientation/resolution. Pure TypeScript so the phone and the
// server read a file the same way.

export type FileFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | 'avif' | 'bmp' | 'unknown';

export interface JpegHeader {
	width: number;
	height: number;
	/** Components in the frame: 1 = grey, 3 = YCbCr. */
	components: number;
	progressive: boolean;
	/** JFIF APP0 density: units 0 = aspect ratio only, 1 = dots per inch, 2 = dots per cm. */
	jfif: { units: number; xDensity: number; yDensity: number } | null;
	/** EXIF orientation tag (1 = upright), null when absent. */
	exifOrientation: number | null;
	/** EXIF XResolution in dots per inch when given (ResolutionUnit 2 = inch, 3 = cm converted). */
	exifDpi: number | null;
}

/** Identifies a file by its magic bytes, so a PNG renamed .jpg is still called a PNG. */
export function sniffFormat(bytes: Uint8Array): FileFormat {
	const b = bytes;
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
	if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
	if (b.length >= 6 && ascii(b, 0, 4) === 'GIF8') return 'gif';
	if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
	if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
		const brand = ascii(b, 8, 4);
		if (brand.startsWith('avi')) return 'avif';
		if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
	}
	return 'unknown';
}

function ascii(b: Uint8Array, at: number, n: number): string {
	let s = '';
	for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]);
	return s;
}

const u16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];

/** SOF markers that carry the frame size (C4 = DHT, C8 = JPG extension, CC = DAC are not frames). */
function isSof(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Parses a JPEG's headers up to the first scan; null when the bytes are not a well-formed JPEG header. */
export function readJpegHeader(bytes: Uint8Array): JpegHeader | null {
	if (sniffFormat(bytes) !== 'jpeg') return null;
	let i = 2;
	let jfif: JpegHeader['jfif'] = null;
	let exif: { orientation: number | null; dpi: number | null } = { orientation: null, dpi: null };
	while (i + 4 <= bytes.length) {
		if (bytes[i] !== 0xff) return null;
		const marker = bytes[i + 1];
		if (marker === 0xff) {
			i++; // fill byte
			continue;
		}
		if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
			i += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return null; // end or scan before any frame header
		const length = u16(bytes, i + 2);
		const start = i + 4;
		const end = i + 2 + length;
		if (length < 2 || end > bytes.length) return null;
		if (marker === 0xe0 && length >= 16 && ascii(bytes, start, 5) === 'JFIF\0') {
			jfif = { units: bytes[start + 7], xDensity: u16(bytes, start + 8), yDensity: u16(bytes, start + 10) };
		} else if (marker === 0xe1 && ascii(bytes, start, 6) === 'Exif\0\0') {
			exif = readExif(bytes.subarray(start + 6, end));
		} else if (isSof(marker)) {
			if (length < 8) return null;
			return {
				height: u16(bytes, start + 1),
				width: u16(bytes, start + 3),
				components: bytes[start + 5],
				progressive: marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce,
				jfif,
				exifOrientation: exif.orientation,
				exifDpi: exif.dpi
			};
		}
		i = end;
	}
	return null;
}

/** Reads Orientation (0x0112), XResolution (0x011a) and ResolutionUnit (0x0128) from IFD0 of a TIFF block. */
function readExif(tiff: Uint8Array): { orientation: number | null; dpi: number | null } {
	const none = { orientation: null, dpi: null };
	if (tiff.length < 8) return none;
	const little = tiff[0] === 0x49 && tiff[1] === 0x49;
	if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return none;
	const r16 = (at: number): number =>
		little ? tiff[at] | (tiff[at + 1] << 8) : (tiff[at] << 8) | tiff[at + 1];
	const r32 = (at: number): number =>
		little ? r16(at) + r16(at + 2) * 65536 : r16(at) * 65536 + r16(at + 2);
	const ifd = r32(4);
	if (ifd + 2 > tiff.length) return none;
	const count = r16(ifd);
	let orientation: number | null = null;
	let xRes: number | null = null;
	let unit = 2;
	for (let k = 0; k < count; k++) {
		const e = ifd + 2 + k * 12;
		if (e + 12 > tiff.length) break;
		const tag = r16(e);
		if (tag === 0x0112) orientation = r16(e + 8);
		else if (tag === 0x0128) unit = r16(e + 8);
		else if (tag === 0x011a) {
			const at = r32(e + 8);
			if (at + 8 <= tiff.length && r32(at + 4) > 0) xRes = r32(at) / r32(at + 4);
		}
	}
	const dpi = xRes === null ? null : unit === 3 ? xRes * 2.54 : unit === 2 ? xRes : null;
	return { orientation, dpi };
}

/** The file's resolution in dots per inch as a viewer reports it: JFIF density first, then EXIF. */
export function jpegDpi(header: JpegHeader): number | null {
	const j = header.jfif;
	if (j && j.units === 1) return j.xDensity;
	if (j && j.units === 2) return Math.round(j.xDensity * 2.54);
	return header.exifDpi;
}

/**
 * Returns the JPEG with a JFIF APP0 segment declaring `dpi` dots per inch: rewrites the existing JFIF density or
 * inserts a JFIF segment right after SOI. EXIF resolution tags, if any, are left alone (our encoders write none).
 */
export function withJfifDensity(bytes: Uint8Array, dpi: number): Uint8Array {
	if (sniffFormat(bytes) !== 'jpeg') throw new Error('not a JPEG');
	const hasJfif = bytes[2] === 0xff && bytes[3] === 0xe0 && ascii(bytes, 6, 5) === 'JFIF\0';
	if (hasJfif) {
		const out = bytes.slice();
		out[13] = 1;
		out[14] = dpi >> 8;
		out[15] = dpi & 0xff;
		out[16] = dpi >> 8;
		out[17] = dpi & 0xff;
		return out;
	}
	// prettier-ignore
	const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01,
		dpi >> 8, dpi & 0xff, dpi >> 8, dpi & 0xff, 0x00, 0x00];
	const out = new Uint8Array(bytes.length + app0.length);
	out.set(bytes.subarray(0, 2), 0);
	out.set(app0, 2);
	out.set(bytes.subarray(2), 2 + app0.length);
	return out;
}
