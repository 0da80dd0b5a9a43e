// Request size limits per route, checked from Content-Length before a body is read (adapter-node's
// BODY_SIZE_LIMIT still caps streamed bodies without a length).
import { config } from '../config.ts';

const KIB = 1024;

export function bodyLimitFor(pathname: string): number {
	if (pathname === '/api/phone/submit') return config.maxBodyBytes;
	if (pathname.startsWith('/api/registration/')) return 5 * 1024 * KIB;
	return 64 * KIB;
}
