// Server configuration from the environment (documented in the README, "Configuration").
import { env } from 'node:process';
import { STAFF_ROLES, type StaffRole } from '../core/staff-roles.ts';

const num = (value: string | undefined, fallback: number) =>
	value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : fallback;

/** A comma list of staff roles; an unknown one stops the server (a misspelt role would quietly enforce nothing). */
function staffRoles(value: string | undefined, name: string): StaffRole[] {
	const roles = (value ?? '')
		.split(',')
		.map((role) => role.trim())
		.filter(Boolean);
	for (const role of roles)
		if (!(STAFF_ROLES as readonly string[]).includes(role))
			throw new Error(`${name}: unknown staff role "${role}" (one of ${STAFF_ROLES.join(', ')})`);
	return roles as StaffRole[];
}

export const config = {
	databaseUrl: env.DATABASE_URL || undefined,
	dataDir: env.ZV_DATA_DIR || './data',
	/** Absolute origin for phone links in QR codes (behind a proxy); defaults to the request's origin. */
	publicOrigin: env.ZV_PUBLIC_ORIGIN || undefined,
	phoneLinkTtlMs: num(env.ZV_PHONE_LINK_TTL_MIN, 15) * 60_000,
	challengeTtlMs: num(env.ZV_CHALLENGE_TTL_MIN, 20) * 60_000,
	seedDemo: env.ZV_SEED_DEMO !== '0',
	/** scrypt cost for staff passwords (2^14 minimum; raise on faster hardware). */
	scryptN: Math.max(num(env.ZV_SCRYPT_N, 16384), 16384),
	/**
	 * Secret key(s) for candidates' one-time passwords (base64, >= 32 bytes, comma-separated, the first current): kept
	 * outside the database, so a leaked database cannot test a guess. Unset: those passwords are hashed with scrypt.
	 */
	passwordPepper: env.ZV_PASSWORD_PEPPER || undefined,
	/** Days the final photo and signature image are kept after the outcome; 0 disables deletion. */
	/** Staged model manifest: the allow-list of model ids and hashes a bundle may name. */
	modelsManifest: env.ZV_MODELS_MANIFEST || 'static/models/manifest.json',
	/** End-to-end test mode (Playwright's server). Switches below marked "test mode" do nothing without it. */
	e2e: env.ZV_E2E === '1',
	/**
	 * Test mode only: the liveness challenge every session gets, so a recorded fixture clip can perform it. JSON: an
	 * array of actions (["blink"]) for action provinces, or a digit string ("1234") for digit provinces.
	 */
	testLiveness: env.ZV_E2E === '1' ? env.ZV_TEST_LIVENESS || undefined : undefined,
	/**
	 * Test mode only: every province's policy with liveness evidence 'frames' (ZV_TEST_EVIDENCE_FRAMES=1), so the
	 * tests meet the option no shipped policy turns on yet.
	 */
	testEvidenceFrames: env.ZV_E2E === '1' && env.ZV_TEST_EVIDENCE_FRAMES === '1',
	/**
	 * Test mode only: every province's policy with the colour challenge set to this ('on', 'off', 'when_supported';
	 * ZV_TEST_COLOUR), so the tests meet the challenge no shipped policy turns on yet.
	 */
	testColour: env.ZV_E2E === '1' ? env.ZV_TEST_COLOUR || undefined : undefined,
	/**
	 * Times one challenge may be extended (POST /api/phone/challenge/extend), each by the challenge lifetime. Ten,
	 * as WCAG 2.2.1 (Timing Adjustable) asks of a time limit that is extended rather than switched off.
	 */
	challengeExtensions: num(env.ZV_CHALLENGE_EXTENSIONS, 10),
	/**
	 * The server's face engine (on unless ZV_SERVER_FACE=0): the photo's content checks, the match with the reference
	 * photo or the authority, the duplicate-identity check. Off, no submission can be confirmed (all go to review).
	 */
	serverFace: env.ZV_SERVER_FACE !== '0',
	/** The identity authority: "simulator" (reference photos; development and tests) or "http". */
	authority: {
		mode: env.ZV_AUTHORITY_MODE === 'http' ? ('http' as const) : ('simulator' as const),
		url: env.ZV_AUTHORITY_URL || undefined,
		token: env.ZV_AUTHORITY_TOKEN || undefined,
		timeoutMs: num(env.ZV_AUTHORITY_TIMEOUT_MS, 3000),
		retries: num(env.ZV_AUTHORITY_RETRIES, 1),
		breakerFailures: num(env.ZV_AUTHORITY_BREAKER_FAILURES, 5),
		breakerOpenMs: num(env.ZV_AUTHORITY_BREAKER_OPEN_S, 30) * 1000
	},
	/** Dev admin account created at start when set (never a built-in password). */
	adminPassword: env.ZV_ADMIN_PASSWORD || undefined,
	adminUsername: env.ZV_ADMIN_USERNAME || 'admin',
	/** Staff session lifetime. */
	staffSessionTtlMs: num(env.ZV_STAFF_SESSION_HOURS, 8) * 3_600_000,
	/** A staff session unused this long ends (a computer left signed in). */
	staffIdleMs: num(env.ZV_STAFF_IDLE_MINUTES, 30) * 60_000,
	/**
	 * Roles whose accounts must have an authenticator code (comma list, e.g. "reviewer,admin"; empty: optional for
	 * all). Such an account without one still signs in, but can do nothing but set one up on /staff.
	 */
	staffSecondFactorRoles: staffRoles(env.ZV_STAFF_SECOND_FACTOR_ROLES, 'ZV_STAFF_SECOND_FACTOR_ROLES'),
	/** SMS: "outbox" (development: a table and /dev/outbox) or "http" (the gateway below). */
	smsMode: env.ZV_SMS_MODE === 'http' ? 'http' : 'outbox',
	smsGatewayUrl: env.ZV_SMS_GATEWAY_URL || undefined,
	smsGatewayToken: env.ZV_SMS_GATEWAY_TOKEN || undefined,
	/** /dev pages (SMS outbox) only when enabled; never in production. */
	devPages: env.ZV_DEV_PAGES === '1' || env.NODE_ENV === 'development',
	/** Bearer token of a registration system that serves every province (only its sha256 is compared). */
	registrationToken: env.ZV_REGISTRATION_TOKEN || undefined,
	/**
	 * Bearer tokens of province registration systems, `<province>=<token>` comma-separated: each works on its own
	 * province's candidates, sessions, photos and outcome events only.
	 */
	provinceRegistrationTokens: env.ZV_REGISTRATION_TOKENS || undefined,
	webhookUrl: env.ZV_WEBHOOK_URL || undefined,
	webhookSecret: env.ZV_WEBHOOK_SECRET || undefined,
	/** Candidate sign-in requests (code requests and code checks) per client address and hour. */
	signInPerAddressHour: num(env.ZV_SIGNIN_PER_ADDRESS_HOUR, 60),
	/** SMS codes per hour for one ID number with one phone number. */
	signInCodesPerHour: num(env.ZV_SIGNIN_CODES_PER_HOUR, 5),
	/**
	 * Seconds before another code can be sent to the same ID number and phone number; at least 1, because the wait is
	 * a rate-limit window and a window of 0 has no start (every sign-in failed with a 500).
	 */
	smsResendSeconds: Math.max(num(env.ZV_SMS_RESEND_SECONDS, 60), 1),
	/** Verification sessions one candidate may start per hour, by any entry point. */
	sessionStartsPerHour: num(env.ZV_SESSION_STARTS_PER_HOUR, 10),
	/** Largest request body accepted (bytes); the submit endpoint has its own per-file limit. */
	maxBodyBytes: num(env.ZV_MAX_BODY_BYTES, 1_500_000)
};
