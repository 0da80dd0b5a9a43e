// Motion-JPEG clips (the fixtures' *.mjpeg): JPEG images back to back, each from its SOI to its EOI marker.

/** The clip's frames, each a complete JPEG. */
export function mjpegFrames(bytes: Uint8Array): Uint8Array[] {
	const frames: Uint8Array[] = [];
	let start = -1;
	for (let i = 0; i + 1 < bytes.length; i++) {
		if (bytes[i] !== 0xff) continue;
		if (bytes[i + 1] === 0xd8 && start < 0) start = i;
		else if (bytes[i + 1] === 0xd9 && start >= 0) {
			frames.push(bytes.subarray(start, i + 2));
			start = -1;
		}
	}
	return frames;
}
