// From what the phone's browser can do to the path the candidate takes, decided before any effort is spent: go on,
// go on in the light mode (smaller frames, one inference thread), or explain what is missing and offer the
// alternatives. Pure: the probes live in src/lib/client/compat.ts, the words in ./messages.ts.
import type { ClientClass } from './user-agent.ts';

export type Permission = 'granted' | 'denied' | 'prompt' | 'unknown';

/** What the browser answered, without asking the candidate anything (no permission prompt, no camera opened). */
export interface Capabilities {
	/** navigator.mediaDevices.getUserMedia exists (not in some in-app browsers, nor outside HTTPS). */
	cameraApi: boolean;
	/** Video inputs enumerateDevices lists; null when it cannot say. */
	cameras: number | null;
	cameraPermission: Permission;
	microphones: number | null;
	microphonePermission: Permission;
	wasm: boolean;
	/** WebAssembly SIMD: onnxruntime-web ships only SIMD builds, so without it no model runs. */
	simd: boolean;
	/** Cross-origin isolated with SharedArrayBuffer: two inference threads possible, else one. */
	threads: boolean;
	worker: boolean;
	/** navigator.deviceMemory (GiB, rounded down by the browser; Chromium-based engines only), else null. */
	deviceMemoryGb: number | null;
	/** What storage.estimate() leaves free for this origin, MiB; null when it cannot say. */
	storageFreeMb: number | null;
	/** navigator.gpu exists (recorded for the reviewers' table; no model uses WebGPU yet). */
	webgpu: boolean;
}

export interface Needs {
	/** The province's liveness records a clip with the candidate reading digits aloud. */
	microphone: boolean;
}

export type Missing =
	| 'camera_api'
	| 'camera_none'
	| 'camera_denied'
	| 'microphone_none'
	| 'microphone_denied'
	| 'wasm'
	| 'simd'
	| 'worker';

export type LightReason = 'memory';
export type Alternative = 'system_browser' | 'other_phone' | 'on_site';
export type CompatPath = 'go' | 'light' | 'blocked';

export interface CompatDecision {
	path: CompatPath;
	missing: Missing[];
	light: LightReason[];
	/**
	 * In an app's web view that lacks something (its camera, most often): guide to the system browser before the
	 * one-time link is spent, since the system browser usually has what the web view lacks.
	 */
	openElsewhere: boolean;
	alternatives: Alternative[];
	/** Which home-screen guidance fits: iOS installs only from Safari's Share menu; in-app browsers cannot install. */
	install: 'ios_share' | 'none';
}

/**
 * At or below this, the light mode: phones reporting 2 GiB or less (deviceMemory's buckets are 0.25-8) are the
 * ones whose tabs are killed while the OCR and face models (tens of MB of weights, several times that in working
 * memory) are loaded next to a camera stream.
 */
export const LIGHT_MEMORY_GB = 2;

export function decideCompat(client: ClientClass, caps: Capabilities, needs: Needs): CompatDecision {
	const missing: Missing[] = [];
	if (!caps.cameraApi) missing.push('camera_api');
	else if (caps.cameras === 0) missing.push('camera_none');
	else if (caps.cameraPermission === 'denied') missing.push('camera_denied');
	if (needs.microphone && caps.cameraApi) {
		if (caps.microphones === 0) missing.push('microphone_none');
		else if (caps.microphonePermission === 'denied') missing.push('microphone_denied');
	}
	if (!caps.wasm) missing.push('wasm');
	else if (!caps.simd) missing.push('simd');
	if (!caps.worker) missing.push('worker');

	const light: LightReason[] =
		caps.deviceMemoryGb !== null && caps.deviceMemoryGb <= LIGHT_MEMORY_GB ? ['memory'] : [];
	const path: CompatPath = missing.length ? 'blocked' : light.length ? 'light' : 'go';
	const openElsewhere = client.inApp && path === 'blocked';
	const alternatives: Alternative[] =
		path !== 'blocked'
			? []
			: [...(client.inApp ? (['system_browser'] as const) : []), 'other_phone', 'on_site'];
	return {
		path,
		missing,
		light,
		openElsewhere,
		alternatives,
		install: client.os === 'ios' && client.family === 'safari' ? 'ios_share' : 'none'
	};
}

/**
 * Inference threads for onnxruntime-web: two when the page is cross-origin isolated and not in the light mode (where
 * each thread's own memory counts), one otherwise. On a 2-core device a worker beside the camera loop (`cameraLoop`:
 * the face step, which reads every frame) keeps to one: the page needs the other core for the camera, the video and
 * the UI, and a second inference thread there made the loop miss a blink in the e2e runs. The ID card step has no
 * such loop (the preview is the browser's own video, the card is read once, when taken), so its reader gets both
 * (measured in models/notes/ocr.md, quiet and beside a busy process).
 */
export function inferenceThreads(device: {
	isolated: boolean;
	cores: number;
	light: boolean;
	cameraLoop: boolean;
}): number {
	if (!device.isolated || device.light || device.cores < 2) return 1;
	return device.cores > 2 || !device.cameraLoop ? 2 : 1;
}

/**
 * Whether the liveness step's anti-spoof network runs in a worker of its own. A live sample runs it and the
 * embedding on the same frame once the capture is over, and onnxruntime-web runs one network at a time in a worker
 * (no inter-op threads), so where the face worker has a single inference thread and the phone a second core (2
 * cores, or any page that is not cross-origin isolated) the two finish in the time of the longer one instead of
 * their sum (measured in models/notes/face.md). A face worker on two threads already has both cores for each network.
 * Not in the light mode, where a second runtime's memory counts. That worker takes one inference thread.
 */
export function antiSpoofApart(device: { cores: number; light: boolean; faceThreads: number }): boolean {
	return device.cores >= 2 && !device.light && device.faceThreads === 1;
}

/** Where the face models that matter most run: onnxruntime-web's CPU WebAssembly, or its WebGPU provider. */
export type InferenceProvider = 'wasm' | 'webgpu';

/**
 * The face models sent to WebGPU when it is used: the embedding and the anti-spoof network, the two largest, run a
 * few times per step (live samples, the card portrait, the photo). The per-frame models (detector, landmarks,
 * eyes, pose) stay on WASM: they are small, and each GPU call pays a round trip the camera loop would feel.
 */
export const GPU_FACE_MODELS: readonly string[] = ['face.feature', 'face.antispoof'];

/**
 * WebGPU on a hardware adapter, outside the light mode (the WebGPU build's runtime is a second WASM in memory);
 * a software ("fallback") adapter is slower than WASM. `override` (a support setting) forces one or the other;
 * forcing WebGPU where it cannot start still falls back to WASM when the models load.
 */
export function inferenceProvider(device: {
	adapter: 'hardware' | 'fallback' | null;
	light: boolean;
	override: InferenceProvider | null;
}): InferenceProvider {
	if (device.override) return device.override;
	return device.adapter === 'hardware' && !device.light ? 'webgpu' : 'wasm';
}
