import { redirect } from '@sveltejs/kit';
import { codeSignInActions } from '$lib/server/http/sign-in-actions';
import type { Actions } from './$types';

// The phone's own sign-in (sms-code provinces): ID number, the phone number on record, an SMS code; then the
// verification continues on this phone at its one-time link.
export const actions: Actions = codeSignInActions('sms-code', (_event, session) => {
	redirect(303, `/m/${session.token}`);
});
