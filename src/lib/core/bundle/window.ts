// The session, challenge and time checks every signed phone message passes (result bundles and requests alike).
import type { Message } from '../text.ts';
import { canonicalJson } from './canonical.ts';
import type { Challenge } from './schema.ts';

export type WindowProblem = Message<'wrong_session' | 'challenge_mismatch' | 'challenge_expired' | 'stale'>;

export interface WindowContext {
	sessionId: string;
	challenge: Challenge;
	now: Date;
	/** How far the phone's clock may differ from the server's. */
	maxClockSkewMs?: number;
	/** How long after expiry a message is still taken (a challenge extension asked at the last moment). */
	graceMs?: number;
}

export function checkChallengeWindow(
	message: { sessionId: string; challenge: Challenge; signedAt: string },
	ctx: WindowContext
): WindowProblem | null {
	if (message.sessionId !== ctx.sessionId) {
		return {
			code: 'wrong_session',
			zh: '数据不属于本次确认',
			en: 'This belongs to another confirmation session.'
		};
	}
	if (canonicalJson(message.challenge) !== canonicalJson(ctx.challenge)) {
		return {
			code: 'challenge_mismatch',
			zh: '挑战码不一致',
			en: 'The challenge does not match the one issued.'
		};
	}
	const now = ctx.now.getTime();
	if (Date.parse(ctx.challenge.expiresAt) + (ctx.graceMs ?? 0) < now) {
		return {
			code: 'challenge_expired',
			zh: '本次确认已超时，请重新开始',
			en: 'This confirmation has expired; please start again.'
		};
	}
	const skew = ctx.maxClockSkewMs ?? 5 * 60_000;
	const signedAt = Date.parse(message.signedAt);
	if (
		!Number.isFinite(signedAt) ||
		signedAt > now + skew ||
		signedAt < Date.parse(ctx.challenge.issuedAt) - skew
	) {
		return { code: 'stale', zh: '签名时间无效', en: 'The signing time is outside the challenge window.' };
	}
	return null;
}
