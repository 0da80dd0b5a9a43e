import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { serverFaceEngine, serverJpegEmbedder } from '../face.ts';
import { httpAuthority } from './http.ts';
import { simulatorAuthority } from './simulator.ts';
import type { AuthorityScale } from './scale.ts';
import type { IdentityAuthority } from './types.ts';

export { authorityScale, type AuthorityScale } from './scale.ts';
export { AuthorityUnavailable, type AuthorityAnswer, type IdentityAuthority } from './types.ts';

let http: IdentityAuthority | null = null;

/**
 * The authority the configuration names: ZV_AUTHORITY_MODE=http (ZV_AUTHORITY_URL required) or the simulator
 * backed by the server's reference photos (default; development and tests), answering on the scale of `scale`
 * (the province policy's: authorityScale). One HTTP client per process, so its circuit breaker sees every request.
 */
export function identityAuthority(db: Db, scale: AuthorityScale): IdentityAuthority {
	if (config.authority.mode === 'http') {
		if (!config.authority.url) throw new Error('ZV_AUTHORITY_MODE=http needs ZV_AUTHORITY_URL');
		http ??= httpAuthority({ ...config.authority, url: config.authority.url });
		return http;
	}
	return simulatorAuthority(db, serverFaceEngine, scale, serverJpegEmbedder() ?? undefined);
}
