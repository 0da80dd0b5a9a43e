// The two form actions of a code sign-in page (the PC stand-in for the registration site, and the phone's own
// sign-in): `code` sends the SMS code, `start` checks it and starts the session. Plain form posts, so both pages
// work before (and without) their script.
import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { normalizeIdInput } from '../../core/idcard/number.ts';
import { database } from '../database.ts';
import { ServiceError } from '../services/errors.ts';
import { PreRegistrationRequired } from '../services/pre-registration.ts';
import type { NewSession } from '../services/sessions.ts';
import { CODE_VALID_MINUTES, requestSmsCode, verifySmsCode, type CodeSignIn } from '../services/sms-login.ts';
import { smsSender } from '../sms/index.ts';
import { clientAddress } from './client.ts';
import { CODE, ID_NUMBER, PHONE, TYPED_ERRORS, type SignInFormState } from './sign-in.ts';

async function typedFields(event: RequestEvent) {
	const form = await event.request.formData();
	const text = (name: string) => String(form.get(name) ?? '').trim();
	return { idNumber: normalizeIdInput(text('idNumber')), phone: text('phone'), code: text('code') };
}

const refused = (state: Omit<SignInFormState, 'error'>, status: number, error: SignInFormState['error']) =>
	fail(status, { ...state, error } satisfies SignInFormState);

export function codeSignInActions<Signed extends object>(
	purpose: CodeSignIn,
	signedIn: (event: RequestEvent, session: NewSession) => Signed | Promise<Signed>,
	/** Signed in, but the province wants an approved pre-registration photo before any session (the PC page). */
	mustPreRegister?: (event: RequestEvent, refusal: PreRegistrationRequired) => Promise<never>
) {
	return {
		code: async (event: RequestEvent) => {
			const { idNumber, phone } = await typedFields(event);
			const details = { idNumber, phone, step: 'details' as const };
			if (!v.is(ID_NUMBER, idNumber)) return refused(details, 400, TYPED_ERRORS.idNumber);
			if (!v.is(PHONE, phone)) return refused(details, 400, TYPED_ERRORS.phone);
			const { db } = await database();
			try {
				const sent = await requestSmsCode(db, smsSender(db), {
					idNumber,
					phone,
					purpose,
					client: clientAddress(event)
				});
				return {
					idNumber,
					phone,
					step: 'code',
					sent: {
						phone: sent.phone,
						resendAfterSeconds: sent.resendAfterSeconds,
						validMinutes: CODE_VALID_MINUTES
					}
				} satisfies SignInFormState;
			} catch (error) {
				if (!(error instanceof ServiceError)) throw error;
				// A resend asked too soon leaves the candidate at the code they already have.
				const step = error.code === 'resend_too_soon' ? 'code' : 'details';
				return refused({ idNumber, phone, step }, error.status, error.toJSON().error);
			}
		},
		start: async (event: RequestEvent) => {
			const { idNumber, phone, code } = await typedFields(event);
			const state = { idNumber, phone, step: 'code' as const };
			if (!v.is(ID_NUMBER, idNumber) || !v.is(PHONE, phone))
				return refused({ ...state, step: 'details' }, 400, TYPED_ERRORS.idNumber);
			if (!v.is(CODE, code)) return refused(state, 400, TYPED_ERRORS.code);
			const { db } = await database();
			try {
				const session = await verifySmsCode(
					db,
					{ idNumber, phone, purpose, client: clientAddress(event) },
					code
				);
				return await signedIn(event, session);
			} catch (error) {
				if (error instanceof PreRegistrationRequired && mustPreRegister) await mustPreRegister(event, error);
				if (!(error instanceof ServiceError)) throw error;
				return refused(state, error.status, error.toJSON().error);
			}
		}
	};
}
