// A registration system authenticates with "Authorization: Bearer <token>": ZV_REGISTRATION_TOKEN for one that
// serves every province, ZV_REGISTRATION_TOKENS (`<province>=<token>,…`) for each province's own system, which then
// works on that province's records only, as a staff account of one province does.
import { createHash, timingSafeEqual } from 'node:crypto';
import { findPolicy } from '../../core/policy/index.ts';
import { ALL_PROVINCES } from '../../core/staff-roles.ts';
import { config } from '../config.ts';
import { ServiceError } from '../services/errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Who called: a registration system and the province it works on (ALL_PROVINCES for a national one). */
export interface RegistrationCaller {
	reach: string;
}

export interface Credential {
	digest: Buffer;
	reach: string;
}

/**
 * The tokens a registration system may present (digests only): the national one, and `<province>=<token>` entries
 * comma-separated. A malformed entry names its position, never its token.
 */
export function registrationCredentials(national?: string, perProvince?: string): Credential[] {
	const list: Credential[] = [];
	if (national) list.push({ digest: digest(national), reach: ALL_PROVINCES });
	for (const [i, entry] of (perProvince ?? '').split(',').entries()) {
		if (!entry.trim()) continue;
		const at = entry.indexOf('=');
		const province = entry.slice(0, Math.max(at, 0)).trim();
		const token = entry.slice(at + 1).trim();
		if (at < 1 || !token || !findPolicy(province))
			throw new ServiceError(
				503,
				'api_misconfigured',
				'报名系统接口配置有误',
				`ZV_REGISTRATION_TOKENS entry ${i + 1} is not <province>=<token> with a known province.`
			);
		list.push({ digest: digest(token), reach: province });
	}
	return list;
}

let configured: Credential[] | null = null;

export function requireRegistrationSystem(request: Request): RegistrationCaller {
	const known = (configured ??= registrationCredentials(
		config.registrationToken,
		config.provinceRegistrationTokens
	));
	if (known.length === 0) {
		throw new ServiceError(
			503,
			'api_disabled',
			'报名系统接口未启用',
			'The registration API is not configured (ZV_REGISTRATION_TOKEN or ZV_REGISTRATION_TOKENS).'
		);
	}
	const header = request.headers.get('authorization') ?? '';
	const token = header.startsWith('Bearer ') ? header.slice(7) : '';
	const presented = digest(token);
	// Every credential is compared, so the time taken does not tell which one came close.
	let found: Credential | undefined;
	for (const credential of known)
		if (timingSafeEqual(presented, credential.digest) && !found) found = credential;
	if (!token || !found) {
		throw new ServiceError(401, 'unauthorized', '认证失败', 'Missing or wrong bearer token.');
	}
	return { reach: found.reach };
}
