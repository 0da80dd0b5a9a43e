import { REQUEST_PROBLEMS, refusalOf } from '../core/request-problems.ts';
import { KIOSK_IDLE_MS } from '../core/kiosk.ts';
import type { Message } from '../core/text.ts';
import { forgetAllSessions } from './phone-store.ts';
// Kiosk mode (exam-centre tablet): a signed-in staff member starts an on-site session for a candidate who is
// present, the same flow runs on the tablet, and the staff member attests instead of the phone submitting.
// The current kiosk session lives in sessionStorage: it ends with the tab, so it never outlives the shift.
// One candidate follows another on the same tablet, so nothing of a candidate outlives their turn: the flow state
// the phone page keeps in IndexedDB for a reload is forgotten when the turn ends (attested, the next candidate
// started, the staff member signed out, or the tablet left untouched), and a tablet never offers to resume one.

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

/** Set once a staff member has signed in here: this browser is a shared tablet, not a candidate's own phone. */
const DEVICE_KEY = 'zv-kiosk-device';

export function markKioskDevice(): void {
	localStorage.setItem(DEVICE_KEY, '1');
}

export function isKioskDevice(): boolean {
	return typeof localStorage !== 'undefined' && localStorage.getItem(DEVICE_KEY) === '1';
}

/** Ends the current candidate's turn on this tablet: the kiosk session and every saved flow state go. */
export async function endKioskTurn(): Promise<void> {
	setKioskSession(null);
	await forgetAllSessions();
}

/**
 * On a shared tablet with no turn open (the last one ended, or its tab was closed), forgets whatever an earlier
 * candidate's flow saved here; on a candidate's own phone, nothing.
 */
export async function forgetEndedTurns(): Promise<void> {
	if (isKioskDevice() && !kioskSession()) await forgetAllSessions();
}

/**
 * Calls onIdle once when the page has had no touch, click or key for KIOSK_IDLE_MS; the returned function stops
 * watching (the page left).
 */
export function watchKioskIdle(onIdle: () => void): () => void {
	const events = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const stop = () => {
		clearTimeout(timer);
		for (const e of events) window.removeEventListener(e, restart, true);
	};
	function restart() {
		clearTimeout(timer);
		timer = setTimeout(() => {
			stop();
			onIdle();
		}, KIOSK_IDLE_MS);
	}
	for (const e of events) window.addEventListener(e, restart, { capture: true, passive: true });
	restart();
	return stop;
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
