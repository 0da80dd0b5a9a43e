// Request size limits per route, checked from Content-Length before a body is read (adapter-node's
// BODY_SIZE_LIMIT still caps streamed bodies without a length).
import { config } from '../config.ts';

const KIB = 1024;

export function bodyLimitFor(pathname: string): number {
	// The phone's bundle with its photo, and the registration site's pre-registration photo.
	if (pathname === '/api/phone/submit' || pathname === '/api/pre-registration/photo')
		return config.maxBodyBytes;
	if (pathname.startsWith('/api/registration/')) return 5 * 1024 * KIB;
	return 64 * KIB;
}
