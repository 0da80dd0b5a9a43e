// The browser check on the phone: probes what the browser can do without asking the candidate anything (no
// permission prompt, no camera opened), so it runs while the link opens and the consent screen shows. The core
// (src/lib/core/compat) classifies and decides; this module only asks the browser, and holds the light-mode switch
// the camera and the workers read.
import {
	classifyUserAgent,
	compatReport,
	decideCompat,
	type Capabilities,
	type ClientClass,
	type CompatDecision,
	type CompatReport,
	type InferenceProvider,
	type Permission
} from '../core/compat/index.ts';
import type { ProvincePolicy } from '../core/policy/index.ts';

export interface BrowserCheck {
	client: ClientClass;
	caps: Capabilities;
}

/** The smallest module with a SIMD instruction (i8x16.splat, i8x16.popcnt): validates only where SIMD exists. */
export const SIMD_PROBE = new Uint8Array([
	0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
	11
]);

/** A probe that does not answer in time counts as "cannot say": the check never holds the candidate up. */
const PROBE_MS = 800;

function within<T>(promise: Promise<T>, fallback: T): Promise<T> {
	return Promise.race([
		promise.catch(() => fallback),
		new Promise<T>((resolve) => setTimeout(() => resolve(fallback), PROBE_MS))
	]);
}

async function permission(name: 'camera' | 'microphone'): Promise<Permission> {
	// Firefox and older Safari do not know these names and throw: "unknown", the camera step asks then.
	const status = await navigator.permissions?.query({ name: name as PermissionName });
	return status ? (status.state as Permission) : 'unknown';
}

async function devices(): Promise<{ cameras: number | null; microphones: number | null }> {
	const list = await navigator.mediaDevices?.enumerateDevices?.();
	if (!list) return { cameras: null, microphones: null };
	return {
		cameras: list.filter((d) => d.kind === 'videoinput').length,
		microphones: list.filter((d) => d.kind === 'audioinput').length
	};
}

async function storageFreeMb(): Promise<number | null> {
	const estimate = await navigator.storage?.estimate?.();
	if (!estimate?.quota) return null;
	return Math.floor((estimate.quota - (estimate.usage ?? 0)) / 2 ** 20);
}

function validates(bytes: Uint8Array): boolean {
	try {
		return typeof WebAssembly === 'object' && WebAssembly.validate(bytes as BufferSource);
	} catch {
		return false;
	}
}

export async function probeCapabilities(): Promise<Capabilities> {
	const cameraApi = typeof navigator.mediaDevices?.getUserMedia === 'function';
	const [found, cameraPermission, microphonePermission, storage] = await Promise.all([
		within(devices(), { cameras: null, microphones: null }),
		within(permission('camera'), 'unknown' as Permission),
		within(permission('microphone'), 'unknown' as Permission),
		within(storageFreeMb(), null)
	]);
	const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
	const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
	return {
		cameraApi,
		cameras: cameraApi ? found.cameras : 0,
		cameraPermission,
		microphones: found.microphones,
		microphonePermission,
		wasm,
		simd: wasm && validates(SIMD_PROBE),
		threads: globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
		worker: typeof Worker === 'function',
		deviceMemoryGb: typeof memory === 'number' ? memory : null,
		storageFreeMb: storage,
		webgpu: 'gpu' in navigator
	};
}

export async function checkBrowser(): Promise<BrowserCheck> {
	return { client: classifyUserAgent(navigator.userAgent), caps: await probeCapabilities() };
}

/** The decision for this province (Hubei's digit reading needs the microphone). */
export function compatDecision(check: BrowserCheck, policy: ProvincePolicy | null): CompatDecision {
	return decideCompat(check.client, check.caps, { microphone: policy?.liveness.kind === 'digits' });
}

export function compatSummary(check: BrowserCheck, policy: ProvincePolicy | null): CompatReport {
	return compatReport(check.client, check.caps, compatDecision(check, policy));
}

let light = false;

/** Set from the decision when the phone page loads; read by the camera (frame size) and the workers (threads). */
export function setLightMode(on: boolean): void {
	light = on;
}

export function lightMode(): boolean {
	return light;
}

/** Support setting (localStorage `zv.inference`: 'webgpu' or 'wasm') that overrides the inference provider rule. */
export const INFERENCE_OVERRIDE_KEY = 'zv.inference';

export function inferenceOverride(): InferenceProvider | null {
	let value: string | null = null;
	try {
		value = localStorage.getItem(INFERENCE_OVERRIDE_KEY);
	} catch {
		// Storage refused (some in-app browsers' private modes): no override.
	}
	return value === 'webgpu' || value === 'wasm' ? value : null;
}
