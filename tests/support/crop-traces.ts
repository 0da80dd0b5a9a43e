// Traces of face crops to look for where the server must not have kept them (tables, files): a slice from the
// middle of each crop's entropy-coded data, which no other file shares by chance, as raw bytes, as hex, and as
// base64. Base64 text holds a slice only from a 3-byte boundary of the encoded buffer, and where a crop's base64
// begins is not known, so the slice is looked for at each of the three alignments.
const SLICE = 45; // a multiple of 3: its base64 has no padding

export interface CropTraces {
	/** Whether bytes (a file, raw) hold a crop. */
	inBytes(bytes: Buffer): boolean;
	/** Whether text (a table dumped as text, a log) holds a crop as hex or base64. */
	inText(text: string): boolean;
}

export function cropTraces(crops: readonly Uint8Array[]): CropTraces {
	const slices = crops.flatMap((c) => {
		const mid = Math.floor(c.length / 2);
		return [0, 1, 2].map((k) => Buffer.from(c.subarray(mid + k, mid + k + SLICE)));
	});
	const texts = slices.flatMap((s) => [s.toString('hex'), s.toString('base64')]);
	return {
		inBytes: (bytes) => slices.some((s) => bytes.includes(s)),
		inText: (text) => texts.some((t) => text.includes(t))
	};
}
