// A screen colour's light added to a recorded frame, in software: each channel scaled by 0.92-1.08 with the colour
// on screen (models/notes/liveness-evidence.md). Not a real face under a real screen: it shows what the colour
// judge does with a response that follows a sequence, not that a phone's screen produces one.
import { COLOURS, type ScreenColour } from '../../src/lib/core/liveness/colour.ts';
import type { RgbaImage } from '../../src/lib/core/image/types.ts';

/** Relights the image in place by the colour on screen. */
export function relight(image: RgbaImage, colour: ScreenColour): void {
	const gain = COLOURS[colour].map((c) => 0.92 + (0.16 * c) / 255);
	for (let p = 0; p < image.data.length; p += 4)
		for (let k = 0; k < 3; k++) image.data[p + k] = image.data[p + k] * gain[k];
}
