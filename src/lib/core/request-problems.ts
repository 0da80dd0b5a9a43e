// What the app says when a call to its own server brings back no words of the server's: the network is down, the
// server refused without a message, the phone link would not open. One wording for every screen and client
// module; whenever the server sent its own {code, zh, en}, that is shown instead.
import type { Message } from './text.ts';

export const REQUEST_PROBLEMS = {
	offline: {
		code: 'offline',
		zh: '网络不可用，请检查网络后重试',
		en: 'No network connection: check it and try again'
	},
	extend_offline: {
		code: 'extend_offline',
		zh: '网络不可用，暂时无法延长时间',
		en: 'Offline: the time cannot be extended right now.'
	},
	refused: { code: 'refused', zh: '请求被拒绝', en: 'The request was refused' },
	link_unopenable: { code: 'link_unopenable', zh: '无法打开此链接', en: 'This link cannot be opened.' }
} as const satisfies Record<string, Message>;

/**
 * The server's refusal in a JSON answer (`{error: {code, zh, en}}`, or those fields at the top): its own code and
 * words where it sent them, `code` and the catalogue's words otherwise.
 */
export function refusalOf(body: unknown, code: string): Message {
	const answer = (body ?? {}) as { error?: unknown };
	const error = (answer.error ?? answer) as Partial<Record<keyof Message, unknown>>;
	return {
		code: String(error.code ?? code),
		zh: String(error.zh ?? REQUEST_PROBLEMS.refused.zh),
		en: String(error.en ?? REQUEST_PROBLEMS.refused.en)
	};
}
