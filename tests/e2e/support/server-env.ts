// Settings the e2e server starts with that tests also need to know (playwright.config.ts passes them on).

/** The registration system's bearer token on the e2e server: a test value, no secret. */
export const REGISTRATION_TOKEN = 'e2e-registration-system';

/**
 * What the shared e2e server is started with beyond its port: the development outbox shows the sign-in codes; sign-in
 * limits are raised for one address signing in the demo candidates dozens of times an hour, and a resend waits 3 s.
 */
export const E2E_SERVER_ENV = {
	ZV_E2E: '1',
	ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
	ZV_DEV_PAGES: '1',
	ZV_SIGNIN_PER_ADDRESS_HOUR: '10000',
	ZV_SIGNIN_CODES_PER_HOUR: '1000',
	ZV_SESSION_STARTS_PER_HOUR: '1000',
	ZV_SMS_RESEND_SECONDS: '3'
};
