// Signs that the camera stream was injected rather than filmed (issue 18 item 4): a virtual camera's label, a page
// driven by an automated browser, frame times too regular for a sensor, a resolution that changes mid-capture.
// They are notes for a reviewer, never a failure: an honest candidate may use a phone-as-webcam app, and a modified
// client simply does not report them. Pure: the phone collects the observations, this names the signals, the
// server turns the bundle's list into reasons shown on the review page.
import { reason, type Reason } from '../idcard/reasons.ts';
import type { BundlePayload } from '../bundle/schema.ts';

export type InjectionSignal =
	'virtual_camera' | 'automated_browser' | 'synthetic_timing' | 'resolution_changed';

/** The liveness step's detail that carries the signals, comma-separated (absent: none observed). */
export const INJECTION_DETAIL = 'injection';

/**
 * Labels of cameras that are software: OBS, ManyCam, XSplit, Snap Camera, SplitCam, e2eSoft VCam, CamTwist, mmhmm,
 * Avatarify, phone-as-webcam apps (DroidCam, Iriun, EpocCam, Camo), anything calling itself virtual, and a
 * browser's own fake device (Chromium's "fake_device_0", or the clip's path when it plays a file).
 */
const VIRTUAL_CAMERA =
	/virtual|\bobs\b|manycam|xsplit|snap camera|splitcam|e2esoft|\bvcam\b|camtwist|mmhmm|avatarify|droidcam|iriun|epoccam|\bcamo\b|fake/i;
/** A camera named by a file (Chromium's file-backed capture is labelled with the clip's path): a clip, not a lens. */
const FILE_CAMERA = /^(\/|[a-z]:\\)|\.(y4m|mjpe?g|mp4|webm|mkv|avi|mov)$/i;

/** Frame intervals whose spread is below this (ms) come from a clock, not a sensor. */
export const SYNTHETIC_JITTER_MS = 0.05;
/**
 * Fewer intervals than this (3 s at 30 fps) and the timing is not judged: a real phone's recording has stretches of
 * a couple of seconds whose intervals are as even as a file's.
 */
export const MIN_TIMED_FRAMES = 90;

export interface CameraObservation {
	/** The video track's label ('' when the browser hides it). */
	label: string;
	/** navigator.webdriver. */
	webdriver: boolean;
	/** Capture (or presentation) times of consecutive frames, ms. */
	frameTimes: readonly number[];
	/** Frame sizes seen, in order. */
	sizes: readonly { width: number; height: number }[];
}

/** Standard deviation of the intervals between consecutive times (null: too few). */
export function intervalJitter(times: readonly number[]): number | null {
	if (times.length < MIN_TIMED_FRAMES + 1) return null;
	const gaps = times.slice(1).map((t, i) => t - times[i]);
	const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
	if (!(mean > 0)) return null;
	return Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
}

export function injectionSignals(o: CameraObservation): InjectionSignal[] {
	const signals: InjectionSignal[] = [];
	if (VIRTUAL_CAMERA.test(o.label) || FILE_CAMERA.test(o.label)) signals.push('virtual_camera');
	if (o.webdriver) signals.push('automated_browser');
	const jitter = intervalJitter(o.frameTimes);
	if (jitter !== null && jitter < SYNTHETIC_JITTER_MS) signals.push('synthetic_timing');
	const first = o.sizes[0];
	if (first && o.sizes.some((s) => s.width !== first.width || s.height !== first.height))
		signals.push('resolution_changed');
	return signals;
}

const TEXTS: Record<InjectionSignal, [string, string]> = {
	virtual_camera: [
		'摄像头名称显示为虚拟摄像头或软件摄像头',
		'the camera’s name is that of a virtual or software camera'
	],
	automated_browser: [
		'页面由自动化程序控制（webdriver）',
		'the page was driven by an automated browser (webdriver)'
	],
	synthetic_timing: [
		'画面帧间隔过于规整，不像真实摄像头',
		'the frames came at intervals too regular for a real camera'
	],
	resolution_changed: ['拍摄过程中画面分辨率发生变化', 'the frame size changed during the capture']
};

/**
 * The signals the phone reported in the liveness step, as reasons for a reviewer (shown with the case; they do not
 * hold a submission by themselves). Unknown names are ignored.
 */
export function injectionNotes(payload: BundlePayload): Reason[] {
	const liveness = payload.steps.find((s) => s.kind === 'liveness');
	const raw = liveness?.details?.[INJECTION_DETAIL];
	if (typeof raw !== 'string' || !raw) return [];
	return (
		raw
			.split(',')
			// Own names only: `in` would also take what every object inherits (constructor, toString).
			.filter((s): s is InjectionSignal => Object.prototype.hasOwnProperty.call(TEXTS, s))
			.map((s) =>
				reason(
					`injection_${s}`,
					`手机报告可能的注入迹象：${TEXTS[s][0]}（仅供审核参考）`,
					`The phone reported a possible injection sign: ${TEXTS[s][1]} (a note for the reviewer)`
				)
			)
	);
}
