// The server reads a province's rules through the core's resolved policy (src/lib/core/policy/resolve.ts): photo
// spec, thresholds, required bundle steps and province code; this file only turns an unknown province into the
// service's refusal.
import { resolvePolicy, UnknownProvinceError, type ResolvedPolicy } from '../core/policy/resolve.ts';
import { ServiceError } from './services/errors.ts';

export type ServerPolicy = ResolvedPolicy;

export function serverPolicy(province: string): ServerPolicy {
	try {
		return resolvePolicy(province);
	} catch (e) {
		if (!(e instanceof UnknownProvinceError)) throw e;
		throw new ServiceError(
			409,
			'unknown_province',
			'该省份尚未开通在线确认',
			`Online confirmation is not available for province "${province}".`
		);
	}
}
