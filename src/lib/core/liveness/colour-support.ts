// Whether a phone can run the colour challenge (policy liveness.colour), and what the server makes of a phone's word
// that it could not. The phone's code is in an attacker's hands, so a skip is only a claim: one rule here decides
// what it costs (docs/threat-model.md, "Colour challenge").
import type { BundlePayload } from '../bundle/schema.ts';
import type { Alternative } from '../compat/decide.ts';
import type { LivenessColour } from '../policy/types.ts';
import { defaultColourConfig, FLASH_MS } from './colour.ts';
import type { Text } from './types.ts';

/** Why the phone did not run the challenge: its camera delivered too few frames, or could not say how many. */
export type ColourSkipCode = 'colour_camera_slow' | 'colour_camera_rate_unknown';

/** The liveness result's detail that carries a skip's code (signed with the result). */
export const COLOUR_SKIPPED_DETAIL = 'colourSkipped';

/**
 * Frames a second the front camera must deliver for each flash's settled part to hold the judge's minimum of
 * measured frames (defaultColourConfig.minFramesPerFlash): about 5.3. A camera at this rate is necessary, not
 * sufficient: the liveness loop measures fewer frames than the camera delivers on a slow phone, and the judge then
 * fails the flashes it could not measure.
 */
export const MIN_COLOUR_FPS =
	(defaultColourConfig.minFramesPerFlash * 1000) / (FLASH_MS - defaultColourConfig.settleMs);

/** The phone's support: null when it can run the challenge, else why not. */
export function colourSupport(camera: { framesPerSecond: number | null }): ColourSkipCode | null {
	if (camera.framesPerSecond === null) return 'colour_camera_rate_unknown';
	return camera.framesPerSecond >= MIN_COLOUR_FPS ? null : 'colour_camera_slow';
}

export type ColourPlan =
	| { run: true }
	| { run: false; skipped: ColourSkipCode }
	| { run: false; unsupported: ColourSkipCode }
	| { run: false };

/** What the phone does: 'on' runs it or stops the check, 'when_supported' runs it or records the skip. */
export function planColour(setting: LivenessColour, support: ColourSkipCode | null): ColourPlan {
	if (setting === 'off') return { run: false };
	if (support === null) return { run: true };
	return setting === 'on' ? { run: false, unsupported: support } : { run: false, skipped: support };
}

/** The skip the signed liveness result claims, or null. */
export function colourSkipOf(payload: BundlePayload): string | null {
	const liveness = payload.steps.find((s) => s.kind === 'liveness');
	const skipped = liveness?.details?.[COLOUR_SKIPPED_DETAIL];
	return typeof skipped === 'string' ? skipped : null;
}

/**
 * The rule for a skip. With 'on' a skip is never accepted: the evidence crops of every flash are expected anyway.
 * With 'when_supported' a claimed skip stands in for the flash crops, and the attempt goes to a person
 * (colourSkipReview): a modified phone that claims a skip buys a human look, not a confirmation.
 */
export function colourCropsExpected(setting: LivenessColour, skipped: string | null): boolean {
	return setting === 'on' || (setting === 'when_supported' && skipped === null);
}

export const COLOUR_SKIPPED_REVIEW: Text = {
	zh: '手机称无法进行颜色活体检测（已跳过），需人工审核',
	en: 'The phone said it could not run the colour liveness challenge (skipped); a person must review it'
};

/** What an 'on' province tells a phone that cannot run the challenge, and where to go instead. */
export const COLOUR_UNSUPPORTED: Text & { alternatives: Alternative[] } = {
	zh: '此手机的前置摄像头帧率不足，无法完成本省要求的颜色活体检测。',
	en: 'This phone’s front camera delivers too few frames for the colour liveness check this province requires.',
	alternatives: ['other_phone', 'on_site']
};
