// Cheap image-quality measures on a face crop: how lit it is and how much fine detail survives (focus, motion).
import { meanGrey } from '../image/stats.ts';

/**
 * Below this mean brightness (0..1, as brightness() gives it) a camera picture is too dark to judge: the one limit
 * of the "too dark" hint, for the face in the liveness loop and the whole frame before it.
 */
export const TOO_DARK = 0.25;

/** Mean of grey values (0..255) divided by 255: 0 black, 1 white. */
export function brightness(gray: Float32Array): number {
	return meanGrey(gray) / 255;
}

// Sharpness is the image core's greyLaplacianVariance (core/image/stats.ts), measured on a fixed-size face crop so
// the number compares across frames and resolutions: sharp faces score in the hundreds, blurred ones < ~50.
