// Settings the e2e server starts with that tests also need to know (playwright.config.ts passes them on).

/** The registration system's bearer token on the e2e server: a test value, no secret. */
export const REGISTRATION_TOKEN = 'e2e-registration-system';
