import { redirect, type RequestEvent } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import {
	clearPreRegistrationCookie,
	PRE_REGISTRATION_COOKIE,
	setPreRegistrationCookie
} from '$lib/server/http/pre-registration';
import { codeSignInActions } from '$lib/server/http/sign-in-actions';
import { phoneLinkMinutes } from '$lib/server/services/entry-links';
import { ServiceError } from '$lib/server/services/errors';
import {
	preRegistrationCandidate,
	preRegistrationState,
	signInForPreRegistration,
	signOutOfPreRegistration
} from '$lib/server/services/pre-registration';
import { startSession, type NewSession } from '$lib/server/services/sessions';
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

// The stand-in for the province's registration site: it signs the candidate in with an SMS code to the phone on
// record, then shows the one-time phone link as a QR code (in production the site asks /api/registration/sessions).
// Where the province audits a pre-registration photo first (Fujian), a candidate without an approved one stays
// signed in here to upload it and follow the audit; the QR code comes once it is approved.
function showQr({ cookies, url }: RequestEvent, session: NewSession) {
	cookies.set(`zv_pc_${session.sessionId}`, session.pcSecret, {
		path: `/api/sessions/${session.sessionId}`,
		httpOnly: true,
		sameSite: 'strict',
		secure: url.protocol === 'https:',
		maxAge: 60 * 60
	});
	return {
		sessionId: session.sessionId,
		link: `${config.publicOrigin ?? url.origin}/m/${session.token}`,
		expiresAt: session.expiresAt.toISOString(),
		validMinutes: phoneLinkMinutes()
	};
}

export const load: PageServerLoad = async ({ cookies }) => {
	const { db } = await database();
	const candidate = await preRegistrationCandidate(db, cookies.get(PRE_REGISTRATION_COOKIE));
	if (!candidate) return { preRegistration: null };
	return { preRegistration: { name: candidate.name, ...(await preRegistrationState(db, candidate)) } };
};

export const actions: Actions = {
	...codeSignInActions('pc-qr', showQr, async (event, refusal) => {
		const { db } = await database();
		const token = await signInForPreRegistration(db, refusal.candidateId);
		setPreRegistrationCookie(event.cookies, token, event.url.protocol === 'https:');
		redirect(303, '/pc');
	}),
	/** Sign-out for a candidate signed in for pre-registration: the sign-in ends on the server too. */
	signOut: async ({ cookies }) => {
		const { db } = await database();
		await signOutOfPreRegistration(db, cookies.get(PRE_REGISTRATION_COOKIE));
		clearPreRegistrationCookie(cookies);
		redirect(303, '/pc');
	},
	/** The QR code for a candidate signed in for pre-registration, once the photo is approved. */
	qr: async (event) => {
		const { db } = await database();
		const candidate = await preRegistrationCandidate(db, event.cookies.get(PRE_REGISTRATION_COOKIE));
		if (!candidate) redirect(303, '/pc');
		try {
			return showQr(event, await startSession(db, candidate.idNumber, new Date(), { origin: 'pc' }));
		} catch (error) {
			if (!(error instanceof ServiceError)) throw error;
			return fail(error.status, { qrError: error.toJSON().error });
		}
	}
};
