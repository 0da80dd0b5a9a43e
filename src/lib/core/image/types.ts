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
