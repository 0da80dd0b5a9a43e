import { config } from '$lib/server/config';
import { codeSignInActions } from '$lib/server/http/sign-in-actions';
import type { Actions } from './$types';

// The stand-in for the province's registration site: it signs the candidate in with an SMS code to the phone on
// record, then shows the one-time phone link as a QR code (in production the site asks /api/registration/sessions).
export const actions: Actions = codeSignInActions('pc-qr', ({ cookies, url }, session) => {
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
		expiresAt: session.expiresAt.toISOString()
	};
});
