// Consent names the document versions read; a changed version asks a returning candidate again, where they were.
import { describe, expect, it } from 'vitest';
import { currentVersions, versionsCurrent } from '../../../src/lib/core/documents/index.ts';
import { createFlow, transition } from '../../../src/lib/core/flow/index.ts';

describe('consent with document versions', () => {
	it('stores the versions accepted, and a renewal keeps the step the candidate was on', () => {
		const start = createFlow('hubei', 0);
		const agreed = transition(start, {
			type: 'GIVE_CONSENT',
			terms: true,
			faceProcessing: true,
			versions: currentVersions(),
			at: 1
		});
		expect(agreed.consent?.versions).toEqual(currentVersions());
		expect(versionsCurrent(agreed.consent?.versions)).toBe(true);

		const older = {
			...agreed,
			consent: { ...agreed.consent!, versions: { ...currentVersions(), face: 'old' } }
		};
		expect(versionsCurrent(older.consent.versions)).toBe(false);
		// A consent saved before documents had versions is outdated too.
		expect(versionsCurrent(undefined)).toBe(false);
		const refused = transition(older, {
			type: 'RENEW_CONSENT',
			terms: true,
			faceProcessing: false,
			versions: currentVersions(),
			at: 2
		});
		expect(refused.notice?.code).toBe('face_consent_required');
		expect(versionsCurrent(refused.consent?.versions)).toBe(false);
		const renewed = transition(older, {
			type: 'RENEW_CONSENT',
			terms: true,
			faceProcessing: true,
			versions: currentVersions(),
			at: 3
		});
		expect(renewed.status).toBe(agreed.status);
		expect(versionsCurrent(renewed.consent?.versions)).toBe(true);
	});

	it('a renewal needs an earlier consent', () => {
		const start = createFlow('hubei', 0);
		const next = transition(start, {
			type: 'RENEW_CONSENT',
			terms: true,
			faceProcessing: true,
			versions: currentVersions(),
			at: 1
		});
		expect(next.consent).toBeNull();
		expect(next.notice?.code).toBe('event_not_allowed');
	});
});
