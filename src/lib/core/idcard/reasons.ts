import type { Message } from '../text.ts';
/** Every check explains itself in both languages, with a stable code for programs and logs. */
export type Reason = Message;

export function reason(code: string, zh: string, en: string): Reason {
	return { code, zh, en };
}
