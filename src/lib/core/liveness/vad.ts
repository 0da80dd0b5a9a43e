// Voice activity detection from short-time energy and zero-crossing rate with a noise floor that adapts to the
// room, so a quiet bedroom and a noisy dormitory are judged against their own background, not a fixed level.

export interface VadConfig {
	frameMs: number;
	hopMs: number;
	/** Speech: energy this many dB over the noise floor with a voiced (low) zero-crossing rate ... */
	onsetDb: number;
	/** ... or this many dB over the floor whatever the zero-crossing rate (loud unvoiced consonants). */
	strongDb: number;
	/** Zero crossings per sample above which a frame sounds like noise or a fricative rather than voicing. */
	zcrMax: number;
	/** Frames quieter than this are never speech (digital silence must not make the floor -100 dB). */
	absoluteFloorDb: number;
	/** Noise floor smoothing on non-speech frames (closer to 1 = slower). */
	floorAlpha: number;
	/** Gaps shorter than this inside speech are bridged; segments shorter than minSegmentMs are dropped. */
	bridgeMs: number;
	minSegmentMs: number;
}

export const defaultVadConfig: VadConfig = {
	frameMs: 25,
	hopMs: 10,
	onsetDb: 9,
	strongDb: 16,
	zcrMax: 0.3,
	absoluteFloorDb: -60,
	floorAlpha: 0.97,
	bridgeMs: 150,
	minSegmentMs: 80
};

export interface VadFrame {
	/** Centre of the frame, ms from the start of the audio. */
	t: number;
	energyDb: number;
	zcr: number;
	speech: boolean;
}

export interface VadResult {
	frames: VadFrame[];
	segments: { startMs: number; endMs: number }[];
	voicedMs: number;
	durationMs: number;
	noiseFloorDb: number;
	peakDb: number;
	hopMs: number;
}

export interface AudioFeature {
	/** Centre of the analysis frame, ms from the start of the audio. */
	t: number;
	energyDb: number;
	zcr: number;
}

/** Short-time energy (dBFS) and zero-crossing rate per hop: all the VAD needs, and no longer a recording. */
export function audioFeatures(
	pcm: Float32Array,
	sampleRate: number,
	config: Partial<VadConfig> = {}
): AudioFeature[] {
	const c = { ...defaultVadConfig, ...config };
	const size = Math.max(1, Math.round((c.frameMs / 1000) * sampleRate));
	const hop = Math.max(1, Math.round((c.hopMs / 1000) * sampleRate));
	const out: AudioFeature[] = [];
	for (let start = 0; start + size <= pcm.length; start += hop) {
		let dc = 0;
		for (let i = start; i < start + size; i++) dc += pcm[i];
		dc /= size;
		let energy = 0;
		let crossings = 0;
		let prevPositive = pcm[start] - dc >= 0;
		for (let i = start; i < start + size; i++) {
			const x = pcm[i] - dc;
			energy += x * x;
			const positive = x >= 0;
			if (positive !== prevPositive) crossings++;
			prevPositive = positive;
		}
		out.push({
			t: ((start + size / 2) / sampleRate) * 1000,
			energyDb: 10 * Math.log10(energy / size + 1e-12),
			zcr: crossings / size
		});
	}
	return out;
}

export function detectVoice(
	pcm: Float32Array,
	sampleRate: number,
	config: Partial<VadConfig> = {}
): VadResult {
	return classifyVoice(audioFeatures(pcm, sampleRate, config), (pcm.length / sampleRate) * 1000, config);
}

/** Marks speech frames against a noise floor that adapts as it goes, then joins them into segments. */
export function classifyVoice(
	raw: readonly AudioFeature[],
	durationMs: number,
	config: Partial<VadConfig> = {}
): VadResult {
	const c = { ...defaultVadConfig, ...config };
	if (raw.length === 0) {
		return {
			frames: [],
			segments: [],
			voicedMs: 0,
			durationMs,
			noiseFloorDb: -120,
			peakDb: -120,
			hopMs: c.hopMs
		};
	}
	// Start the floor at the quiet end of the clip (people rarely speak from the first millisecond to the last),
	// then let it follow the background: down at once, up only slowly and only on frames judged non-speech.
	const sorted = raw.map((f) => f.energyDb).sort((a, b) => a - b);
	let floor = Math.max(sorted[Math.floor(sorted.length * 0.1)], c.absoluteFloorDb);
	const frames: VadFrame[] = [];
	for (const f of raw) {
		const over = f.energyDb - floor;
		const speech =
			f.energyDb > c.absoluteFloorDb && ((over >= c.onsetDb && f.zcr <= c.zcrMax) || over >= c.strongDb);
		if (!speech) floor = Math.max(c.floorAlpha * floor + (1 - c.floorAlpha) * f.energyDb, c.absoluteFloorDb);
		if (f.energyDb < floor) floor = Math.max(f.energyDb, c.absoluteFloorDb);
		frames.push({ ...f, speech });
	}
	const segments = toSegments(frames, c);
	return {
		frames,
		segments,
		voicedMs: segments.reduce((sum, s) => sum + (s.endMs - s.startMs), 0),
		durationMs,
		noiseFloorDb: Math.round(floor * 10) / 10,
		peakDb: Math.round(sorted[sorted.length - 1] * 10) / 10,
		hopMs: c.hopMs
	};
}

function toSegments(frames: readonly VadFrame[], c: VadConfig): { startMs: number; endMs: number }[] {
	const segments: { startMs: number; endMs: number }[] = [];
	for (const f of frames) {
		if (!f.speech) continue;
		const last = segments[segments.length - 1];
		if (last && f.t - c.hopMs / 2 - last.endMs <= c.bridgeMs) last.endMs = f.t + c.hopMs / 2;
		else segments.push({ startMs: f.t - c.hopMs / 2, endMs: f.t + c.hopMs / 2 });
	}
	return segments.filter((s) => s.endMs - s.startMs >= c.minSegmentMs);
}

/** Whether time t (ms) lies inside a speech segment. */
export function isVoicedAt(vad: VadResult, t: number): boolean {
	return vad.segments.some((s) => t >= s.startMs && t < s.endMs);
}
