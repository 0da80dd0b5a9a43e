/** An 8-bit RGBA raster, the same shape as the DOM's ImageData, so a canvas frame passes through unchanged. */
export interface RgbaImage {
	readonly width: number;
	readonly height: number;
	readonly data: Uint8ClampedArray | Uint8Array;
}

/** Axis-aligned box in pixels of the image it was measured on. */
export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface Point {
	x: number;
	y: number;
}

export function createImage(width: number, height: number): RgbaImage {
	return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/**
 * The same pixels (no copy) as an object of createImage's shape, with Uint8ClampedArray data. The card reader takes
 * its frame through this: a canvas frame is an ImageData, a host object of another shape, and a decoder may give
 * Uint8Array, so the image functions its warm-up had compiled for createImage's objects were deoptimised by the
 * first real card, and a hot function entered again through on-stack replacement cost a deoptimisation per row.
 */
export function plainImage(img: RgbaImage): RgbaImage {
	const { width, height, data } = img;
	return {
		width,
		height,
		data:
			data instanceof Uint8ClampedArray
				? data
				: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length)
	};
}
