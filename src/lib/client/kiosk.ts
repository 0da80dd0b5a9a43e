import { REQUEST_PROBLEMS, refusalOf } from '../core/request-problems.ts';
import type { Message } from '../core/text.ts';
// Kiosk mode (exam-centre tablet): a signed-in staff member starts an on-site session for a candidate who is
// present, the same flow runs on the tablet, and the staff member attests instead of the phone submitting.
// The current kiosk session lives in sessionStorage: it ends with the tab, so it never outlives the shift.

export interface KioskCandidate {
	idNumber: string;
	name: string;
	sex: string;
	birthDate: string;
	examArea: string;
	province: string;
	admissionNumber: string | null;
	onlineBlocked: string | null;
}

export interface KioskSession {
	sessionId: string;
	/** The phone-link token: the tablet opens /m/<token> and runs the flow. */
	token: string;
	candidate: Pick<KioskCandidate, 'idNumber' | 'name'>;
}

export interface StaffUser {
	id: number;
	username: string;
	role: string;
}

export type ApiError = Message;

const KEY = 'zv-kiosk';

export function kioskSession(): KioskSession | null {
	if (typeof sessionStorage === 'undefined') return null;
	try {
		return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
	} catch {
		return null;
	}
}

export function setKioskSession(session: KioskSession | null): void {
	if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
	else sessionStorage.removeItem(KEY);
}

/** Same-origin JSON call; a refusal comes back as the server's {code, zh, en}. */
export async function api<T>(
	path: string,
	init: { method?: string; body?: unknown } = {}
): Promise<{ ok: true; data: T } | { ok: false; status: number; error: ApiError }> {
	let response: Response;
	try {
		response = await fetch(path, {
			method: init.method ?? 'GET',
			headers: init.body ? { 'content-type': 'application/json' } : undefined,
			body: init.body ? JSON.stringify(init.body) : undefined,
			credentials: 'same-origin'
		});
	} catch {
		return { ok: false, status: 0, error: REQUEST_PROBLEMS.offline };
	}
	const body = await response.json().catch(() => ({}));
	if (response.ok) return { ok: true, data: body as T };
	return { ok: false, status: response.status, error: refusalOf(body, String(response.status)) };
}

/** The token at the end of the link the server returns (…/m/<token>). */
export function tokenOf(link: string): string {
	return new URL(link, 'http://x').pathname.split('/').pop() ?? '';
}
