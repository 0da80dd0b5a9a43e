// What the phone keeps in IndexedDB, read with the page's own IndexedDB API (src/lib/client/phone-store.ts).
// Only a JSON summary crosses back to the test: images stored there (the ID portrait) are reported as present.
import type { Page } from '@playwright/test';

export interface StoredSession {
	status: string;
	record: Record<string, string>;
	idPortrait: boolean;
	/** Sides read in an unfinished ID step. */
	draftSides: string[];
	draftPortrait: boolean;
}

export function storedSessions(phone: Page): Promise<StoredSession[]> {
	return phone.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('zikao-verify');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const all = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
			const read = db.transaction('sessions').objectStore('sessions').getAll();
			read.onsuccess = () => resolve(read.result);
			read.onerror = () => reject(read.error);
		});
		db.close();
		return all.map((s) => {
			const draft = s.idDraft as { readings?: Record<string, unknown>; portrait?: unknown } | undefined;
			return {
				status: (s.flow as { status: string }).status,
				record: s.record as Record<string, string>,
				idPortrait: s.idPortrait !== undefined,
				draftSides: Object.keys(draft?.readings ?? {}),
				draftPortrait: draft?.portrait !== undefined
			};
		});
	});
}
