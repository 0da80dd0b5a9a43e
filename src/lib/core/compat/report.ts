// What the check's result looks like in the signed bundle: the family, engine and OS, what the browser could do and
// the path taken, so a reviewer sees why a phone ran the light mode or what it lacked. No version, no device model,
// no screen size: nothing that tells one phone from another of the same kind.
import * as v from 'valibot';
import type { Capabilities, CompatDecision } from './decide.ts';
import { BROWSER_FAMILIES, ENGINES, OSES, type ClientClass } from './user-agent.ts';

const MISSING = [
	'camera_api',
	'camera_none',
	'camera_denied',
	'microphone_none',
	'microphone_denied',
	'wasm',
	'simd',
	'worker'
] as const;
const PERMISSION = v.picklist(['granted', 'denied', 'prompt', 'unknown']);
const Count = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(64)));

export const CompatReportSchema = v.object({
	family: v.picklist(BROWSER_FAMILIES),
	engine: v.picklist(ENGINES),
	os: v.picklist(OSES),
	inApp: v.boolean(),
	path: v.picklist(['go', 'light', 'blocked']),
	missing: v.pipe(v.array(v.picklist(MISSING)), v.maxLength(MISSING.length)),
	caps: v.object({
		cameraApi: v.boolean(),
		cameras: Count,
		cameraPermission: PERMISSION,
		microphones: Count,
		microphonePermission: PERMISSION,
		wasm: v.boolean(),
		simd: v.boolean(),
		threads: v.boolean(),
		worker: v.boolean(),
		deviceMemoryGb: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(1024))),
		storageFreeMb: v.nullable(v.pipe(v.number(), v.minValue(0))),
		webgpu: v.boolean()
	})
});

export type CompatReport = v.InferOutput<typeof CompatReportSchema>;

export function compatReport(
	client: ClientClass,
	caps: Capabilities,
	decision: CompatDecision
): CompatReport {
	return { ...client, path: decision.path, missing: decision.missing, caps: { ...caps } };
}

/** The report in a stored bundle (payload.device.compat), or null for bundles from before the check or without it. */
export function readCompatReport(bundle: unknown): CompatReport | null {
	const device = (bundle as { payload?: { device?: { compat?: unknown } } } | null)?.payload?.device;
	const parsed = v.safeParse(CompatReportSchema, device?.compat);
	return parsed.success ? parsed.output : null;
}
