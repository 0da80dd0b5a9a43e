// SMS-code login: the candidate gives their ID number, a 6-digit code goes to the phone number on their
// registration record, and the right code starts a verification session (same phone link as the PC QR code).
import { createHash, randomBytes } from 'node:crypto';
import { findPolicy } from '../../core/policy/index.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { randomDigits } from '../passwords.ts';
import type { SmsSender } from '../sms/index.ts';
import { ServiceError } from './errors.ts';
import { RATE_RULES, rateLimit } from './rate-limit.ts';
import { startSession, type NewSession } from './sessions.ts';
import { findCandidateByIdNumber } from './candidate-lookup.ts';

const CODE_TTL_MS = 5 * 60_000;
const MAX_GUESSES = 5;

const hashCode = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');
const maskPhone = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

const wrongCode = () =>
	new ServiceError(
		400,
		'wrong_code',
		'验证码错误或已过期，请重新获取',
		'The code is wrong or expired; request a new one.'
	);

export async function requestSmsCode(db: Db, sms: SmsSender, idNumber: string, now = new Date()) {
	const candidate = await findCandidateByIdNumber(db, idNumber);
	if (!findPolicy(candidate.province)?.login.includes('sms-code')) {
		throw new ServiceError(
			409,
			'login_not_offered',
			'本省不提供短信验证码登录',
			'This province does not offer SMS-code login.'
		);
	}
	await rateLimit(db, `sms:${candidate.phone}`, RATE_RULES.sms, now);
	const code = randomDigits(6);
	const salt = randomBytes(16).toString('base64url');
	await db
		.insertInto('sms_login_codes')
		.values({
			candidate_id: candidate.id,
			salt,
			code_hash: hashCode(salt, code),
			expires_at: new Date(now.getTime() + CODE_TTL_MS)
		})
		.execute();
	const text = (c: string) => `【自学考试】您的登录验证码为 ${c}，5分钟内有效。如非本人操作请忽略。`;
	await sms.send({ phone: candidate.phone, body: text(code), redacted: text('******') });
	await audit(db, { actor: 'sms-login', action: 'sms_login.code_sent', candidateId: candidate.id });
	return {
		sent: true,
		phone: maskPhone(candidate.phone),
		expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString()
	};
}

/** Checks the latest code (5 guesses, 5 minutes, single use) and starts a session on success. */
export async function verifySmsCode(
	db: Db,
	idNumber: string,
	code: string,
	now = new Date()
): Promise<NewSession> {
	const ok = await db.transaction().execute(async (tx) => {
		const row = await tx
			.selectFrom('sms_login_codes')
			.innerJoin('candidates', 'candidates.id', 'sms_login_codes.candidate_id')
			.select([
				'sms_login_codes.id',
				'sms_login_codes.salt',
				'sms_login_codes.code_hash',
				'sms_login_codes.expires_at',
				'sms_login_codes.guesses',
				'sms_login_codes.used_at',
				'candidates.id as candidate_id'
			])
			.where('candidates.id_number', '=', idNumber.trim().toUpperCase())
			.orderBy('sms_login_codes.id', 'desc')
			.limit(1)
			.forUpdate()
			.executeTakeFirst();
		if (
			!row ||
			row.used_at ||
			row.guesses >= MAX_GUESSES ||
			new Date(row.expires_at).getTime() < now.getTime()
		)
			return false;
		const match = hashCode(row.salt, code) === row.code_hash;
		await tx
			.updateTable('sms_login_codes')
			.set(match ? { used_at: now } : { guesses: row.guesses + 1 })
			.where('id', '=', row.id)
			.execute();
		await audit(tx, {
			actor: 'sms-login',
			action: match ? 'sms_login.ok' : 'sms_login.wrong',
			candidateId: row.candidate_id
		});
		return match;
	});
	if (!ok) throw wrongCode();
	return startSession(db, idNumber, now, { origin: 'sms' });
}
