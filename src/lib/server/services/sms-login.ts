// Candidate sign-in with an SMS code: the candidate types their ID number and the phone number on their registration
// record, a 6-digit code goes to that phone, and the right code starts a verification session (the phone continues
// at once for `sms-code`, the PC shows a QR code for `pc-qr`).
//
// No oracle: every request is answered alike and writes a code row, keyed by the ID number and phone number typed,
// whether or not they match a registration (a row without a candidate is never sent and never accepted). Wrong,
// expired and used-up codes are therefore answered alike too. Limits count per address and per (ID number, phone
// number), so a stranger who does not know the phone number cannot use up the candidate's codes or guesses.
import { createHash, randomBytes } from 'node:crypto';
import { maskPhone } from '../../core/mask.ts';
import { findPolicy } from '../../core/policy/index.ts';
import type { LoginKind } from '../../core/policy/types.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { randomDigits } from '../passwords.ts';
import type { SmsSender } from '../sms/index.ts';
import { candidateByIdNumber, normalizeIdNumber } from './candidate-lookup.ts';
import { ServiceError } from './errors.ts';
import { SIGN_IN_RULES, rateLimit } from './rate-limit.ts';
import { startSession, type NewSession } from './sessions.ts';

export const CODE_TTL_MS = 5 * 60_000;
/** The code's life as the candidate reads it: in the SMS, on the page and in the expiry message. */
export const CODE_VALID_MINUTES = CODE_TTL_MS / 60_000;
export const MAX_GUESSES = 5;

/** The sign-ins that use an SMS code. */
export type CodeSignIn = Extract<LoginKind, 'sms-code' | 'pc-qr'>;

export interface SignInTyped {
	idNumber: string;
	/** The phone number the candidate says is on their record. */
	phone: string;
	purpose: CodeSignIn;
	/** The client's address (rate limits). */
	client: string;
}

const hashCode = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');
/** The ID number and phone typed, whichever sign-in asks: the codes one phone receives are limited over all of them. */
const typedKey = (t: SignInTyped) => `${normalizeIdNumber(t.idNumber)}:${t.phone}`;

const tooManyCodes = (retry: number) =>
	new ServiceError(
		429,
		'too_many_codes',
		`获取验证码次数过多，请 ${Math.ceil(retry / 60)} 分钟后再试`,
		`Too many codes were requested; try again in ${Math.ceil(retry / 60)} min.`
	);
const resendTooSoon = (retry: number) =>
	new ServiceError(
		429,
		'resend_too_soon',
		`验证码已发送，请 ${retry} 秒后再重新获取`,
		`A code was just sent; you can request another in ${retry} s.`
	);
const wrongCode = (left: number) =>
	new ServiceError(
		400,
		'wrong_code',
		`验证码错误，还可以再试 ${left} 次`,
		`The code is wrong; ${left} ${left === 1 ? 'try' : 'tries'} left.`
	);
const codeExpired = () =>
	new ServiceError(
		410,
		'code_expired',
		`验证码已失效（${CODE_VALID_MINUTES} 分钟内有效，只能使用一次），请重新获取`,
		`The code is no longer valid (codes last ${CODE_VALID_MINUTES} minutes and work once); request a new one.`
	);
const tooManyGuesses = () =>
	new ServiceError(
		429,
		'too_many_guesses',
		`验证码错误次数过多（${MAX_GUESSES} 次），此验证码已作废，请重新获取`,
		`Too many wrong codes (${MAX_GUESSES}); this code no longer works. Request a new one.`
	);

/**
 * The provinces a code sign-in serves: the phone's own sign-in only those that sign in by SMS code; the built-in PC
 * page (the stand-in for a registration site) signs in with an SMS code to the phone on record as well, so it serves
 * those too, with the same proof.
 */
const SERVES: Record<CodeSignIn, readonly LoginKind[]> = {
	'sms-code': ['sms-code'],
	'pc-qr': ['pc-qr', 'sms-code']
};

/** What the province sends instead of a code when the candidate asked for a sign-in it does not offer. */
const GUIDANCE: Record<CodeSignIn, string> = {
	'sms-code':
		'【自学考试】您所在省份的身份确认请在电脑上登录报名网站，按提示用手机扫描二维码完成。如非本人操作请忽略。',
	'pc-qr':
		'【自学考试】您所在省份的身份确认请在手机上打开身份确认页面，用手机号和短信验证码登录后完成。如非本人操作请忽略。'
};

/** Sends a code to the phone on record when the typed ID number and phone number match it; answers alike either way. */
export async function requestSmsCode(db: Db, sms: SmsSender, typed: SignInTyped, now = new Date()) {
	await rateLimit(db, `signin:address:${typed.client}`, SIGN_IN_RULES.address, now);
	await rateLimit(db, `signin:resend:${typedKey(typed)}`, SIGN_IN_RULES.resend, now, resendTooSoon);
	await rateLimit(db, `signin:codes:${typedKey(typed)}`, SIGN_IN_RULES.codes, now, tooManyCodes);
	const candidate = await candidateByIdNumber(db, typed.idNumber);
	const onRecord = candidate !== null && candidate.phone === typed.phone;
	const login = findPolicy(candidate?.province ?? '')?.login ?? [];
	const offered = onRecord && SERVES[typed.purpose].some((kind) => login.includes(kind));
	const code = randomDigits(6);
	const salt = randomBytes(16).toString('base64url');
	await db
		.insertInto('sms_login_codes')
		.values({
			candidate_id: offered ? candidate.id : null,
			id_number: normalizeIdNumber(typed.idNumber),
			phone: typed.phone,
			purpose: typed.purpose,
			salt,
			code_hash: hashCode(salt, code),
			expires_at: new Date(now.getTime() + CODE_TTL_MS)
		})
		.execute();
	if (offered) {
		const text = (c: string) =>
			`【自学考试】您的登录验证码为 ${c}，${CODE_VALID_MINUTES}分钟内有效。如非本人操作请忽略。`;
		await sms.send({ phone: candidate.phone, body: text(code), redacted: text('******') });
		await audit(db, { actor: 'sms-login', action: 'sms_login.code_sent', candidateId: candidate.id });
	} else if (onRecord) {
		// The right person in the wrong place: their own phone tells them where their province signs in.
		const text = GUIDANCE[typed.purpose];
		await sms.send({ phone: candidate.phone, body: text, redacted: text });
		await audit(db, {
			actor: 'sms-login',
			action: 'sms_login.not_offered',
			candidateId: candidate.id,
			detail: { purpose: typed.purpose }
		});
	}
	return {
		sent: true,
		phone: maskPhone(typed.phone),
		expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
		resendAfterSeconds: Math.round(SIGN_IN_RULES.resend.windowMs / 1000)
	};
}

/**
 * Ends the codes sent to a phone number the record no longer holds (the office changed it: the old number may have
 * been lost, or given to someone else): an unused one is used up, so its holder is told it no longer works.
 */
export async function endCodesOfFormerPhone(db: Db, candidateId: number, now = new Date()): Promise<void> {
	await db
		.updateTable('sms_login_codes')
		.set({ used_at: now })
		.where('candidate_id', '=', candidateId)
		.where('used_at', 'is', null)
		.execute();
}

type CodeCheck = { ok: true; candidateId: number } | { ok: false; error: ServiceError };

/**
 * Checks the code against the newest one sent for the typed ID number and phone number (5 guesses, 5 minutes,
 * single use) and starts a session on success.
 */
export async function verifySmsCode(
	db: Db,
	typed: SignInTyped,
	code: string,
	now = new Date()
): Promise<NewSession> {
	await rateLimit(db, `signin:address:${typed.client}`, SIGN_IN_RULES.address, now);
	const check = await db.transaction().execute(async (tx): Promise<CodeCheck> => {
		const row = await tx
			.selectFrom('sms_login_codes')
			.selectAll()
			.where('id_number', '=', normalizeIdNumber(typed.idNumber))
			.where('phone', '=', typed.phone)
			.where('purpose', '=', typed.purpose)
			.orderBy('id', 'desc')
			.limit(1)
			.forUpdate()
			.executeTakeFirst();
		if (!row) return { ok: false, error: wrongCode(MAX_GUESSES) };
		if (row.guesses >= MAX_GUESSES) return { ok: false, error: tooManyGuesses() };
		if (row.used_at || new Date(row.expires_at).getTime() < now.getTime())
			return { ok: false, error: codeExpired() };
		// A row without a candidate was never sent: no code matches it.
		const match = row.candidate_id !== null && hashCode(row.salt, code) === row.code_hash;
		await tx
			.updateTable('sms_login_codes')
			.set(match ? { used_at: now } : { guesses: row.guesses + 1 })
			.where('id', '=', row.id)
			.execute();
		if (row.candidate_id !== null) {
			await audit(tx, {
				actor: 'sms-login',
				action: match ? 'sms_login.ok' : 'sms_login.wrong',
				candidateId: row.candidate_id
			});
		}
		if (match) return { ok: true, candidateId: row.candidate_id! };
		const left = MAX_GUESSES - row.guesses - 1;
		return { ok: false, error: left > 0 ? wrongCode(left) : tooManyGuesses() };
	});
	if (!check.ok) throw check.error;
	return startSession(db, typed.idNumber, now, { origin: typed.purpose === 'pc-qr' ? 'pc' : 'sms' });
}
