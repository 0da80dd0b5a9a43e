// The typed sign-in fields shared by the code-login endpoints and the PC page: an ID number, the phone number on
// the record, and which sign-in it is for.
import type { Message, Text } from '../../core/text.ts';
import * as v from 'valibot';
import { IdNumberField } from '../validation/candidate.ts';

/** The one ID-number check (kind, region, birth date, check character), as everywhere else on the server. */
export const ID_NUMBER = IdNumberField;
export const PHONE = v.pipe(
	v.string(),
	v.trim(),
	v.regex(/^1\d{10}$/, 'phone must be an 11-digit mobile number')
);
export const CODE = v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, 'code must be 6 digits'));
export const PURPOSE = v.optional(v.picklist(['sms-code', 'pc-qr']), 'sms-code');

/** Messages for the PC page's and the phone screen's own checks of what was typed. */
export const TYPED_ERRORS = {
	idNumber: { zh: '请输入18位身份证号码', en: 'Enter your 18-character ID number.' },
	phone: {
		zh: '请输入报名时填写的11位手机号码',
		en: 'Enter the 11-digit mobile number of your registration.'
	},
	code: { zh: '请输入6位短信验证码', en: 'Enter the 6-digit code from the SMS.' }
} as const;

/** What the sign-in form shows: the fields typed so far, the step, where the code went, and an error. */
export interface SignInFormState {
	idNumber: string;
	phone: string;
	step: 'details' | 'code';
	sent?: { phone: string; resendAfterSeconds: number; validMinutes: number };
	error?: Text & Partial<Pick<Message, 'code'>>;
}
