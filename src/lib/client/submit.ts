// Sends a signed bundle; if the network is gone it stays in IndexedDB and goes once the phone is back online.
import { refusalOf } from '../core/request-problems.ts';
import type { Message } from '../core/text.ts';
import type { Reason } from '../core/idcard/reasons.ts';
import { FINAL_CHECK, isRecorded, type ShownOutcome } from '../core/outcome.ts';

export type SubmitResult =
	| {
			kind: 'recorded';
			/** `checking`: confirmed on the server's evidence, its last check (the duplicate sweep) still running. */
			outcome: ShownOutcome;
			admissionNumber?: string;
			smsTo?: string;
			/** Why the server did not confirm (its own evidence): shown to the candidate as they are. */
			reasons?: Reason[];
	  }
	| ({ kind: 'rejected' } & Message)
	| { kind: 'offline' };

export async function postBundle(
	bundle: unknown,
	files: { photo?: Blob; signature?: Blob; evidence?: readonly Blob[] } = {}
): Promise<SubmitResult> {
	const form = new FormData();
	form.set('bundle', JSON.stringify(bundle));
	if (files.photo) form.set('photo', files.photo, 'photo.jpg');
	if (files.signature) form.set('signature', files.signature, 'signature.png');
	// In the bundle's order: the server binds each to the sha256 listed at the same place.
	for (const [i, crop] of (files.evidence ?? []).entries())
		form.append('evidence', crop, `evidence-${i}.jpg`);
	let response: Response;
	try {
		response = await fetch('/api/phone/submit', { method: 'POST', body: form });
	} catch {
		return { kind: 'offline' };
	}
	const body = await response.json().catch(() => ({}));
	if (response.ok)
		return {
			kind: 'recorded',
			// An answer the phone cannot read as an outcome is shown as held for review, never as confirmed.
			outcome: body.outcome === FINAL_CHECK || isRecorded(String(body.outcome)) ? body.outcome : 'review',
			...(typeof body.admissionNumber === 'string' ? { admissionNumber: body.admissionNumber } : {}),
			...(typeof body.smsTo === 'string' ? { smsTo: body.smsTo } : {}),
			...(Array.isArray(body.reasons) ? { reasons: body.reasons.filter(isReason) } : {})
		};
	if (response.status >= 500) return { kind: 'offline' };
	return { kind: 'rejected', ...refusalOf(body, 'unknown') };
}

function isReason(value: unknown): value is Reason {
	const r = value as Partial<Reason> | null;
	return (
		typeof r === 'object' &&
		r !== null &&
		typeof r.code === 'string' &&
		typeof r.zh === 'string' &&
		typeof r.en === 'string'
	);
}
