// Province policies are data; these tests pin the rules each seed guide states, so a change to one is deliberate.
import { describe, expect, it } from 'vitest';
import { beijing, fujian, getPolicy, hubei, policies } from '../../../src/lib/core/policy/index.ts';
import { photoComparisons } from '../../../src/lib/core/policy/steps.ts';
import type { FlowStep } from '../../../src/lib/core/policy/types.ts';
import { LIVENESS_ACTIONS } from '../../../src/lib/core/policy/types.ts';
import { FACE_MATCH } from '../../../src/lib/core/face/match.ts';

describe('every policy', () => {
	for (const policy of Object.values(policies)) {
		it(`${policy.id}: consistent steps, liveness and limits`, () => {
			expect(policy.steps[0]).toBe('consent');
			expect(policy.steps[policy.steps.length - 1]).toBe('review');
			expect(new Set(policy.steps).size).toBe(policy.steps.length);
			expect(policy.steps).toContain('liveness');
			expect(policy.steps).toContain('id_capture');
			expect(policy.steps.includes('photo')).toBe(policy.photo.kind === 'upload');
			expect(policy.steps.includes('signature')).toBe(policy.signatureRequired);
			expect(policy.idSides.length).toBeGreaterThan(0);
			if (policy.liveness.kind === 'actions') {
				expect(policy.liveness.count).toBeGreaterThanOrEqual(2);
				expect(policy.liveness.pool.length).toBeGreaterThanOrEqual(policy.liveness.count);
				for (const a of policy.liveness.pool) expect(LIVENESS_ACTIONS).toContain(a);
			} else {
				expect(policy.liveness.length).toBeGreaterThanOrEqual(4);
				expect(policy.liveness.length).toBeLessThanOrEqual(6);
				expect(policy.liveness.clipMinMs).toBe(3000);
				expect(policy.liveness.clipMaxMs).toBe(5000);
			}
			expect(policy.onSiteAlternative).toBe(true);
			expect(policy.source).toMatch(/《.+》/);
			expect(getPolicy(policy.id)).toBe(policy);
		});
	}

	it('thresholds sit next to the false-accept rate they were calibrated for', () => {
		for (const policy of Object.values(policies)) {
			expect(policy.thresholds.faceMatch.value).toBe(FACE_MATCH.match);
			expect(policy.thresholds.faceMatch.placeholder).toBe(false);
			expect(policy.thresholds.faceMatch.falseAcceptRate).toBeGreaterThan(0);
			// No calibrated anti-spoof threshold exists yet: it must say so.
			expect(policy.thresholds.antiSpoof.placeholder).toBe(true);
		}
	});

	it('unknown ids are refused', () => {
		expect(() => getPolicy('shanghai')).toThrow(/unknown province/);
	});
});

describe('province rules from the seed guides', () => {
	it('fujian: PC QR code, record confirmation, both ID sides, action liveness, a live still, no signature', () => {
		expect(fujian.login).toEqual(['pc-qr']);
		expect(fujian.steps).toEqual(['consent', 'confirm_record', 'id_capture', 'liveness', 'review']);
		expect(fujian.idSides).toEqual(['portrait', 'emblem']);
		expect(fujian.liveness.kind).toBe('actions');
		// No photo step: the face capture's still goes with the bundle for the server's own face match.
		expect(fujian.photo).toMatchObject({ kind: 'live_still', spec: { purpose: 'live_still' } });
		expect(fujian.signatureRequired).toBe(false);
		// 第一步: the pre-registration photo, audited within 24 hours, before the QR code.
		expect(fujian.preRegistration).toMatchObject({
			auditTargetHours: 24,
			photo: { purpose: 'registration' }
		});
		expect(hubei.preRegistration).toBeNull();
		expect(beijing.preRegistration).toBeNull();
	});

	it('hubei: QR or app link, portrait side, 3-5 s digit clip, blue photo vs ID, 3 attempts, signature, SMS', () => {
		expect(hubei.login).toEqual(['pc-qr', 'app-link']);
		expect(hubei.idSides).toEqual(['portrait']);
		expect(hubei.liveness).toMatchObject({ kind: 'digits', clipMinMs: 3000, clipMaxMs: 5000 });
		expect(hubei.photo).toMatchObject({
			kind: 'upload',
			compareWith: ['id_portrait'],
			spec: {
				file: { format: 'jpeg', width: 480, height: 640, dpi: 300, minBytes: 20480, maxBytes: 40000 },
				background: { en: 'blue' }
			}
		});
		expect(hubei.limits.attempts).toMatchObject({ max: 3, then: ['manual_review', 'on_site'] });
		expect(hubei.signatureRequired).toBe(true);
		expect(hubei.successSms).toEqual({ admissionNumber: true, passwordDigits: 8 });
		expect(hubei.steps.indexOf('liveness')).toBeLessThan(hubei.steps.indexOf('photo'));
		expect(hubei.steps.indexOf('photo')).toBeLessThan(hubei.steps.indexOf('signature'));
	});

	it('beijing: SMS login, both sides checked against the record, photo with processed output, >= 2 actions, limits', () => {
		expect(beijing.login).toEqual(['sms-code']);
		expect(beijing.idSides).toEqual(['portrait', 'emblem']);
		expect(beijing.steps.indexOf('id_capture')).toBeLessThan(beijing.steps.indexOf('confirm_record'));
		expect(beijing.steps.indexOf('photo')).toBeLessThan(beijing.steps.indexOf('liveness'));
		expect(beijing.photo).toMatchObject({ kind: 'upload', showProcessed: true });
		expect(beijing.liveness).toMatchObject({ kind: 'actions', count: 2 });
		expect(beijing.limits.photoUploadsPerDay).toBe(15);
		expect(beijing.limits.attempts).toMatchObject({ max: 5, then: ['contact_office'] });
		expect(beijing.limits.attempts?.counts).toContain('identity_check');
	});
});

describe('photo comparisons (compareWith)', () => {
	it.each(Object.keys(policies))(
		'%s: each face the photo is compared with is on the phone when the comparison runs',
		(id) => {
			const policy = getPolicy(id);
			const at = (step: FlowStep) => policy.steps.indexOf(step);
			const { idPortrait, liveFace } = photoComparisons(policy);
			// With the card portrait at the photo step: the card is read before.
			if (idPortrait) expect(at('id_capture')).toBeLessThan(at('photo'));
			// With the live face at the liveness step: the photo is accepted before.
			if (liveFace) expect(at('photo')).toBeLessThan(at('liveness'));
		}
	);

	it('Hubei compares the photo with the ID portrait, Beijing with the live face, Fujian takes no photo', () => {
		expect(photoComparisons(hubei)).toEqual({ idPortrait: true, liveFace: false });
		expect(photoComparisons(beijing)).toEqual({ idPortrait: false, liveFace: true });
		expect(photoComparisons(fujian)).toEqual({ idPortrait: false, liveFace: false });
	});
});
