// Server configuration from the environment (documented in README "Configuration").
import { env } from 'node:process';

export const config = {
	databaseUrl: env.DATABASE_URL || undefined,
	dataDir: env.ZV_DATA_DIR || './data',
	/** Absolute origin for phone links in QR codes (behind a proxy); defaults to the request's origin. */
	publicOrigin: env.ZV_PUBLIC_ORIGIN || undefined,
	phoneLinkTtlMs: Number(env.ZV_PHONE_LINK_TTL_MIN || 15) * 60_000,
	challengeTtlMs: Number(env.ZV_CHALLENGE_TTL_MIN || 20) * 60_000,
	seedDemo: env.ZV_SEED_DEMO !== '0'
};
