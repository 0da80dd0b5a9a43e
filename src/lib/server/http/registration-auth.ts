// The registration system authenticates with "Authorization: Bearer <ZV_REGISTRATION_TOKEN>".
import { createHash, timingSafeEqual } from 'node:crypto';
import { config } from '../config.ts';
import { ServiceError } from '../services/errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireRegistrationSystem(request: Request): void {
	const expected = config.registrationToken;
	if (!expected) {
		throw new ServiceError(
			503,
			'api_disabled',
			'报名系统接口未启用',
			'The registration API is not configured (ZV_REGISTRATION_TOKEN).'
		);
	}
	const header = request.headers.get('authorization') ?? '';
	const token = header.startsWith('Bearer ') ? header.slice(7) : '';
	if (!token || !timingSafeEqual(digest(token), digest(expected))) {
		throw new ServiceError(401, 'unauthorized', '认证失败', 'Missing or wrong bearer token.');
	}
}
