// Session starts the province's registration system asks for, for a candidate it has signed in itself:
// `pc-qr` (its site shows the one-time link as a QR code) and `app-link` (the link goes by SMS to the phone on record).
import { maskPhone } from '../../core/mask.ts';
import { findPolicy } from '../../core/policy/index.ts';
import type { LoginKind } from '../../core/policy/types.ts';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { SmsSender } from '../sms/index.ts';
import { findCandidateByIdNumber } from './candidate-lookup.ts';
import { ServiceError } from './errors.ts';
import { startSession } from './sessions.ts';

async function candidateOffering(db: Db, idNumber: string, login: LoginKind) {
	const candidate = await findCandidateByIdNumber(db, idNumber);
	if (!findPolicy(candidate.province)?.login.includes(login)) {
		throw new ServiceError(
			409,
			'login_not_offered',
			'该考生所在省份不提供这种确认方式',
			`The candidate's province does not offer "${login}".`
		);
	}
	return candidate;
}

const phoneLink = (origin: string, token: string) => `${config.publicOrigin ?? origin}/m/${token}`;

/** pc-qr: a one-time phone link for the candidate signed in on the registration site, which shows it as a QR code. */
export async function registrationSession(db: Db, idNumber: string, origin: string) {
	await candidateOffering(db, idNumber, 'pc-qr');
	const session = await startSession(db, idNumber, new Date(), { origin: 'pc' });
	return {
		sessionId: session.sessionId,
		link: phoneLink(origin, session.token),
		expiresAt: session.expiresAt.toISOString()
	};
}

/** The one-time phone link's lifetime in whole minutes, as the SMS and the registration site say it. */
export function phoneLinkMinutes(): number {
	return Math.round(config.phoneLinkTtlMs / 60_000);
}

/** app-link: the one-time link goes by SMS to the phone on record; the answer says where, masked, not the link. */
export async function sendAppLink(db: Db, sms: SmsSender, idNumber: string, origin: string) {
	const candidate = await candidateOffering(db, idNumber, 'app-link');
	const session = await startSession(db, idNumber, new Date(), { origin: 'link' });
	const minutes = phoneLinkMinutes();
	const text = (link: string) =>
		`【自学考试】请在手机上打开以下链接完成身份确认（${minutes}分钟内有效，只能使用一次，仅限本人）：${link}`;
	await sms.send({
		phone: candidate.phone,
		body: text(phoneLink(origin, session.token)),
		redacted: text(phoneLink(origin, '…'))
	});
	return {
		sent: true,
		sessionId: session.sessionId,
		phone: maskPhone(candidate.phone),
		expiresAt: session.expiresAt.toISOString()
	};
}
