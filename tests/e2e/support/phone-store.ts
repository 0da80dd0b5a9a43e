// What the phone keeps in IndexedDB, read with the page's own IndexedDB API (src/lib/client/phone-store.ts).
// Only a JSON summary crosses back to the test: images stored there (the ID portrait) are reported as present.
import type { Page } from '@playwright/test';

/** A step result as the phone saved it for signing (no images). */
export interface StoredStep {
	passed: boolean;
	scores: Record<string, number>;
	reasons: string[];
	details: Record<string, unknown>;
}

export interface StoredSession {
	status: string;
	record: Record<string, string>;
	results: Partial<Record<'record' | 'idcard' | 'liveness' | 'photo' | 'signature', StoredStep>>;
	idPortrait: boolean;
	/** Width and height of the stored card portrait, or null. */
	idPortraitSize: [number, number] | null;
	/** Sides read in an unfinished ID step. */
	draftSides: string[];
	draftPortrait: boolean;
	/** Per side read in the unfinished ID step, the reader's timings (ms per stage, src/lib/core/idcard/reader.ts). */
	draftTimings: Record<string, { total: number; stages?: Record<string, number> }>;
	/** Bytes of the digit-reading clip kept on the phone (0 when none). */
	clipBytes: number;
	/** The photo to send: its type, bytes and the phone's check (null when none). */
	photo: { type: string; bytes: number; passed: boolean; reasons: string[] } | null;
	/** The liveness evidence crops waiting to be sent: moment, type and bytes of each. */
	evidence: { moment: string; type: string; bytes: number }[];
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
		const photoSummary = (p: { output: Blob; passed: boolean; reasons: { code: string }[] } | undefined) =>
			p
				? {
						type: p.output.type,
						bytes: p.output.size,
						passed: p.passed,
						reasons: p.reasons.map((r) => r.code)
					}
				: null;
		return all.map((s) => {
			const draft = s.idDraft as { readings?: Record<string, unknown>; portrait?: unknown } | undefined;
			const portrait = s.idPortrait as ImageData | undefined;
			return {
				status: (s.flow as { status: string }).status,
				record: s.record as Record<string, string>,
				results: s.results as StoredSession['results'],
				idPortrait: portrait !== undefined,
				idPortraitSize: portrait ? ([portrait.width, portrait.height] as [number, number]) : null,
				draftSides: Object.keys(draft?.readings ?? {}),
				draftPortrait: draft?.portrait !== undefined,
				draftTimings: Object.fromEntries(
					Object.entries(draft?.readings ?? {}).map(([side, r]) => [
						side,
						(r as { timings: StoredSession['draftTimings'][string] }).timings
					])
				),
				clipBytes: (s.clip as Blob | undefined)?.size ?? 0,
				photo: photoSummary(
					s.photo as { output: Blob; passed: boolean; reasons: { code: string }[] } | undefined
				),
				evidence: ((s.evidence as { moment: string; jpeg: Blob }[] | undefined) ?? []).map((c) => ({
					moment: c.moment,
					type: c.jpeg.type,
					bytes: c.jpeg.size
				}))
			};
		});
	});
}

/** The liveness step the phone saved for the bundle, or undefined before the step has ended. */
export async function livenessResult(phone: Page): Promise<StoredStep | undefined> {
	return (await storedSessions(phone))[0]?.results.liveness;
}

/** Leaves the liveness step: the details (frames measured, mouth and voice measures) say why when it failed. */
export function describeLiveness(step: StoredStep | undefined): string {
	return JSON.stringify(step ? { reasons: step.reasons, scores: step.scores, details: step.details } : null);
}
