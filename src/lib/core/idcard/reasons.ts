/** Every check explains itself in both languages, with a stable code for programs and logs. */
export interface Reason {
	code: string;
	zh: string;
	en: string;
}

export function reason(code: string, zh: string, en: string): Reason {
	return { code, zh, en };
}
