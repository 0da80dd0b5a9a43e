// Passive anti-spoof decision for fr_liveness (MiniFASNet-style, 3 classes, class 0 = live).

/**
 * Threshold on the live probability. Measured (tests/bench/face.bench.ts, models/notes/face.md): every frame of
 * the fixtures' live camera clips sampled scores >= 0.87 and the three recaptured photo/screen attacks in spoof/
 * score <= 0.24, with the square face box grown 2.7x, resampled bilinearly, BGR, raw 0..255 input. Known weak: spoof/real_1.jpg (a real
 * selfie) scores ~0.01, and digitally injected stills (the attack_* clips) score ~1.0: passive anti-spoof only
 * sees recapture artefacts, so the active challenge must catch injected or replayed frames.
 */
export const ANTISPOOF = {
	modelId: 'face.antispoof',
	liveClass: 0,
	threshold: 0.5,
	cropScale: 2.7
} as const;

export interface AntispoofResult {
	live: number;
	threshold: number;
	isLive: boolean;
}

/** At the caller's threshold: the province policy's on the phone, the model's own (ANTISPOOF) only where named. */
export function antispoofDecision(live: number, threshold: number): AntispoofResult {
	return { live, threshold, isLive: live >= threshold };
}
