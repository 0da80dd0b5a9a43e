// Digit reading: the candidate reads random digits aloud on a 3-5 s clip. This checks that there is a voice and that
// the mouth moves when, and only roughly when, the voice is heard (a photo or a replayed face with dubbed audio fails).
// Which digits were said is NOT checked: speech recognition is out of scope here.
import type { FaceMeasurement } from '../face/types.ts';
import { percentile, pearson, round } from './stats.ts';
import type { ContinuityResult, DigitsChallenge, LivenessVerdict, ReasonCode, SpoofResult } from './types.ts';
import { combineReasons, sampledFailures } from './verdict.ts';
import { classifyVoice, detectVoice, type AudioFeature, type VadConfig, type VadResult } from './vad.ts';

export interface DigitsConfig {
	/** Less voiced time than this is "no voice". */
	minVoicedMs: number;
	/** Mouth openness spread (95th minus 10th percentile) below this is a still mouth. */
	minMouthRange: number;
	/** Lowest correlation between the mouth's articulation envelope and voicing (best lag within maxLagMs). */
	minCorrelation: number;
	/** Share of voiced video frames during which the mouth is open or moving. */
	minCoverage: number;
	/**
	 * Fewer frames than this outside the voice and the correlation is not judged: it would rest on a handful of
	 * frames (a 3 s sentence read without pauses, seen 8 times a second, has one or two); coverage still is.
	 */
	minUnvoicedFrames: number;
	/** Half-width of the window over which mouth opening and voicing are summarised. */
	envelopeMs: number;
	/**
	 * Audio and video may be offset by this much either way (a phone's microphone and camera start and buffer
	 * separately, and the lips lead the sound), searched in steps of lagStepMs.
	 */
	maxLagMs: number;
	lagStepMs: number;
	/** Clip length tolerance around the policy's 3-5 s. */
	clipToleranceMs: number;
	/** Share of frames that must show exactly one face. */
	minFacePresence: number;
	vad?: Partial<VadConfig>;
}

export const defaultDigitsConfig: DigitsConfig = {
	minVoicedMs: 400,
	minMouthRange: 0.04,
	minCorrelation: 0.25,
	minCoverage: 0.5,
	minUnvoicedFrames: 5,
	envelopeMs: 120,
	maxLagMs: 400,
	lagStepMs: 20,
	clipToleranceMs: 200,
	minFacePresence: 0.8
};

/** The clip's audio: PCM as recorded, or its energy/ZCR features (what recorded traces keep). */
export type DigitAudio =
	{ pcm: Float32Array; sampleRate: number } | { features: readonly AudioFeature[]; durationMs: number };

export interface DigitReadingInput {
	/** Null when the phone gave no microphone audio: nothing was heard, so no voice. */
	audio: DigitAudio | null;
	/** The clip's frames as measured by the face engine (mouthOpenness is what matters). */
	frames: readonly FaceMeasurement[];
	/**
	 * When the audio's first sample was heard, on the frames' clock (`t`); the first frame's time when absent. A
	 * phone's microphone starts some time after its camera (hundreds of ms on a busy one): without this, mouth and
	 * voice are compared out of step.
	 */
	audioStartMs?: number;
	challenge?: DigitsChallenge;
	continuity?: ContinuityResult | null;
	spoof?: SpoofResult | null;
}

/** Fraction of VAD frames within [t - half, t + half] that are speech. */
function voicedFraction(vad: VadResult, t: number, half: number): number {
	let n = 0;
	let voiced = 0;
	for (const f of vad.frames) {
		if (f.t < t - half || f.t > t + half) continue;
		n++;
		if (f.speech) voiced++;
	}
	return n === 0 ? 0 : voiced / n;
}

function segmentVoiced(vad: VadResult, t: number): boolean {
	return vad.segments.some((s) => t >= s.startMs && t < s.endMs);
}

export interface MouthVoiceMeasures {
	mouthRange: number;
	correlation: number;
	lagMs: number;
	coverage: number;
	/** Frames outside the voice (at the best lag): the correlation's evidence of silence. */
	unvoicedFrames: number;
}

/** How well mouth opening follows the voice: correlation at the best small lag, and coverage of voiced frames. */
export function mouthVoiceAgreement(
	frames: readonly { t: number; openness: number }[],
	vad: VadResult,
	config: DigitsConfig = defaultDigitsConfig
): MouthVoiceMeasures {
	const openness = frames.map((f) => f.openness);
	const closed = percentile(openness, 0.1);
	const range = percentile(openness, 0.95) - closed;
	if (frames.length < 3 || !(range > 0))
		return { mouthRange: Math.max(range, 0) || 0, correlation: 0, lagMs: 0, coverage: 0, unvoicedFrames: 0 };
	// Articulation envelope: how far the mouth opens above its closed level within +-envelopeMs. Talking opens and
	// closes the mouth several times a second, so the envelope stays up through speech and falls in the pauses;
	// a frame-by-frame comparison would punish the natural lag between lips and sound. The window spans at least
	// one frame interval each side, or on a slow phone it holds one frame and follows single syllables.
	const gaps = frames.slice(1).map((f, i) => f.t - frames[i].t);
	const w = Math.max(config.envelopeMs, percentile(gaps, 0.5) || 0);
	const articulation = frames.map((f) => {
		let max = -Infinity;
		for (const g of frames) if (Math.abs(g.t - f.t) <= w && g.openness > max) max = g.openness;
		return max - closed;
	});
	let best = -1;
	let bestLag = 0;
	for (let lag = -config.maxLagMs; lag <= config.maxLagMs; lag += config.lagStepMs) {
		const voiced = frames.map((f) => voicedFraction(vad, f.t + lag, w));
		const r = pearson(articulation, voiced);
		if (r > best) {
			best = r;
			bestLag = lag;
		}
	}
	// Coverage: voiced frames whose neighbourhood (±1 frame) shows an open or moving mouth.
	const active = articulation.map((a) => a > 0.25 * range);
	let voicedFrames = 0;
	let covered = 0;
	let unvoicedFrames = 0;
	frames.forEach((f, i) => {
		if (!segmentVoiced(vad, f.t + bestLag)) {
			unvoicedFrames++;
			return;
		}
		voicedFrames++;
		if (active[i] || active[Math.max(i - 1, 0)] || active[Math.min(i + 1, frames.length - 1)]) covered++;
	});
	return {
		mouthRange: round(range, 4),
		correlation: round(best, 3),
		lagMs: bestLag,
		coverage: voicedFrames === 0 ? 0 : round(covered / voicedFrames, 3),
		unvoicedFrames
	};
}

export function checkDigitReading(
	input: DigitReadingInput,
	config: Partial<DigitsConfig> = {}
): LivenessVerdict {
	const c = { ...defaultDigitsConfig, ...config };
	const vad =
		input.audio === null
			? classifyVoice([], 0, c.vad)
			: 'pcm' in input.audio
				? detectVoice(input.audio.pcm, input.audio.sampleRate, c.vad)
				: classifyVoice(input.audio.features, input.audio.durationMs, c.vad);
	const frames = input.frames;
	const one = frames.filter((f) => f.faceCount === 1 && f.face);
	const several = frames.filter((f) => f.faceCount > 1).length;
	const codes: ReasonCode[] = [];

	const videoMs = frames.length > 1 ? frames[frames.length - 1].t - frames[0].t : 0;
	const clipMs = Math.max(vad.durationMs, videoMs);
	if (input.challenge) {
		if (clipMs < input.challenge.clipMinMs - c.clipToleranceMs) codes.push('clip_too_short');
		if (clipMs > input.challenge.clipMaxMs + c.clipToleranceMs) codes.push('clip_too_long');
	}
	if (frames.length === 0 || one.length / frames.length < c.minFacePresence) {
		codes.push(several > frames.length * (1 - c.minFacePresence) ? 'multiple_faces' : 'no_face');
	}
	if (vad.voicedMs < c.minVoicedMs) codes.push('no_voice');

	const origin = input.audioStartMs ?? frames[0]?.t ?? 0;
	const mouthFrames = one
		.filter((f) => f.mouthOpenness !== undefined)
		.map((f) => ({ t: f.t - origin, openness: f.mouthOpenness as number }));
	const agreement = mouthVoiceAgreement(mouthFrames, vad, c);
	if (vad.voicedMs >= c.minVoicedMs && mouthFrames.length >= 3) {
		if (agreement.mouthRange < c.minMouthRange) codes.push('mouth_still');
		else if (
			agreement.coverage < c.minCoverage ||
			(agreement.unvoicedFrames >= c.minUnvoicedFrames && agreement.correlation < c.minCorrelation)
		) {
			codes.push('mouth_voice_mismatch');
		}
	}
	const continuity = input.continuity ?? null;
	const spoof = input.spoof ?? null;
	codes.push(...sampledFailures(continuity, spoof));

	const { passed, reason, reasons } = combineReasons(codes.length ? codes : ['passed']);
	const startedAt = frames[0]?.t ?? 0;
	const endedAt = frames[frames.length - 1]?.t ?? 0;
	return {
		kind: 'digits',
		passed,
		reason,
		reasons,
		steps: [],
		continuity,
		spoof,
		timings: {
			startedAt,
			endedAt,
			durationMs: round(clipMs, 0),
			frames: frames.length,
			faceFrames: one.length
		},
		measures: {
			voicedMs: round(vad.voicedMs, 0),
			audioMs: round(vad.durationMs, 0),
			segments: vad.segments.length,
			noiseFloorDb: vad.noiseFloorDb,
			peakDb: vad.peakDb,
			audioOffsetMs: round(origin - (frames[0]?.t ?? 0), 0),
			mouthRange: agreement.mouthRange,
			correlation: agreement.correlation,
			lagMs: agreement.lagMs,
			coverage: agreement.coverage,
			unvoicedFrames: agreement.unvoicedFrames
		}
	};
}
