// How large a picture from the phone's album is drawn for reading. A phone may hold 24 MP (an iPhone's default
// since the 15) to 200 MP stills; Safari draws no canvas over 16,777,216 pixels (its context is null) and a phone's
// memory would not hold the copies the workers make. A 12 MP still is the largest frame the card reader and the
// photo checks are measured on, and holds more detail than either reads.

/** The most pixels a picture is decoded to: a 12 MP (4032x3024) still. */
export const MAX_DECODED_PIXELS = 4032 * 3024;

/** The size to draw a `width` x `height` picture at: itself when it fits, else scaled down keeping its shape. */
export function decodedSize(
	width: number,
	height: number,
	maxPixels: number = MAX_DECODED_PIXELS
): { width: number; height: number } {
	if (width * height <= maxPixels) return { width, height };
	const scale = Math.sqrt(maxPixels / (width * height));
	// A side scaled below one pixel is kept at one, so the other gives way for it.
	const scaledHeight = Math.max(1, Math.floor(height * scale));
	const scaledWidth = Math.max(1, Math.min(Math.floor(width * scale), Math.floor(maxPixels / scaledHeight)));
	return { width: scaledWidth, height: Math.min(scaledHeight, Math.floor(maxPixels / scaledWidth)) };
}
