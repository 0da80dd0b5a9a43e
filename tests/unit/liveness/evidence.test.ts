import { describe, expect, it } from 'vitest';
import {
	EVIDENCE_FRAMES,
	evidenceCropBox,
	evidenceCandidates,
	evidenceMoments,
	judgeEvidence,
	pickEvidenceFrames,
	type CropMeasure
} from '../../../src/lib/core/liveness/evidence.ts';
import { resolve, withLivenessEvidence } from '../../../src/lib/core/policy/resolve.ts';
import { fujian, hubei } from '../../../src/lib/core/policy/index.ts';
import { DOCUMENTS } from '../../../src/lib/core/documents/index.ts';

const thresholds = { faceMatch: 0.45, antiSpoof: 0.5 };
const crop = (moment: string, over: Partial<CropMeasure> = {}): CropMeasure => ({
	moment,
	faceCount: 1,
	similarity: 0.8,
	live: 0.9,
	pose: { yaw: 0, pitch: 0, roll: 0 },
	mouthOpenness: 0.02,
	skin: null,
	...over
});

describe('evidence moments', () => {
	it('are the same for one nonce and differ between nonces', () => {
		const digits = { kind: 'digits' as const, digits: '1234', clipMinMs: 3000, clipMaxMs: 5000 };
		const a = evidenceMoments('nonce-aaaaaaaaaaaaaaaa', digits);
		expect(a).toEqual(evidenceMoments('nonce-aaaaaaaaaaaaaaaa', digits));
		expect(a).toHaveLength(EVIDENCE_FRAMES.count);
		expect(new Set(a).size).toBe(a.length);
		const others = new Set(
			Array.from({ length: 20 }, (_, i) => evidenceMoments(`nonce-${i}-bbbbbbbbbbbb`, digits).join())
		);
		expect(others.size).toBe(20);
	});

	it('take the neutral face and each head or mouth action, never a blink', () => {
		const m = evidenceMoments('n'.repeat(16), {
			kind: 'actions',
			actions: ['blink', 'turn_left', 'open_mouth'],
			stepTimeoutMs: 8000
		});
		expect(m.slice(0, 3)).toEqual(['neutral', 'action:1:turn_left', 'action:2:open_mouth']);
		expect(m[3]).toMatch(/^at:\d{3}$/);
	});
});

describe('the evidence judge', () => {
	const expected = ['neutral', 'action:0:turn_left', 'at:300', 'at:700'];
	const honest = () => [
		crop('neutral'),
		crop('action:0:turn_left', { pose: { yaw: -20, pitch: 1, roll: 0 } }),
		crop('at:300'),
		crop('at:700')
	];

	it('passes the same live person turning at the turn', () => {
		expect(judgeEvidence(honest(), expected, thresholds)).toEqual({ passed: true, findings: [] });
	});

	it('fails another person, a face too many, a spoof score, a missing turn and other moments', () => {
		const codes = (crops: CropMeasure[]) =>
			judgeEvidence(crops, expected, thresholds).findings.map((f) => f.code);
		const c = honest();
		c[2] = crop('at:300', { similarity: 0.2 });
		expect(codes(c)).toEqual(['evidence_other_person']);
		c[2] = crop('at:300', { faceCount: 2, similarity: null, live: null });
		expect(codes(c)).toEqual(['evidence_no_face']);
		c[2] = crop('at:300', { live: 0.1 });
		expect(codes(c)).toEqual(['evidence_spoof']);
		const still = honest();
		still[1] = crop('action:0:turn_left', { pose: { yaw: -3, pitch: 0, roll: 0 } });
		expect(codes(still)).toEqual(['evidence_pose']);
		expect(codes(honest().reverse())).toEqual(['evidence_moments']);
		expect(codes(honest().slice(0, 3))).toEqual(['evidence_moments']);
	});
});

describe('policy and crop geometry', () => {
	it('resolve to no evidence unless the policy asks for frames', () => {
		expect(resolve(hubei).evidenceFrames).toBeNull();
		expect(resolve({ ...fujian, liveness: { ...fujian.liveness, evidence: 'frames' } }).evidenceFrames).toBe(
			EVIDENCE_FRAMES
		);
	});

	it('crop a square around the face, inside the frame', () => {
		const b = evidenceCropBox({ x: 10, y: 20, width: 100, height: 120 }, 480, 640);
		expect(b.width).toBe(b.height);
		expect(b.x).toBeGreaterThanOrEqual(0);
		expect(b.y).toBeGreaterThanOrEqual(0);
		expect(b.width).toBe(216);
		const edge = evidenceCropBox({ x: 400, y: 600, width: 300, height: 300 }, 480, 640);
		expect(edge.x + edge.width).toBeLessThanOrEqual(480);
		expect(edge.y + edge.height).toBeLessThanOrEqual(640);
	});
});

describe('the candidate documents', () => {
	const text = (sections: { paragraphs: { zh: string; en: string }[] }[]) =>
		sections.flatMap((s) => s.paragraphs.map((x) => `${x.zh}\n${x.en}`)).join('\n');

	it('say face frames never leave the phone, unless the province turns liveness evidence on', () => {
		const off = text(DOCUMENTS.face.sections(fujian)) + text(DOCUMENTS.privacy.sections(fujian));
		expect(off).not.toMatch(/face crops/);
		expect(off).toMatch(/frames and the video never leave the phone/);
		const on = { ...fujian, liveness: { ...fujian.liveness, evidence: 'frames' as const } };
		for (const id of ['face', 'privacy'] as const) {
			const t = text(DOCUMENTS[id].sections(on));
			expect(t).toMatch(/4 张人脸截图/);
			expect(t).toMatch(/deletes them at once: they are never stored or logged/);
			expect(t).not.toMatch(/frames and the video never leave/);
		}
	});
});

describe('picking the frames to crop', () => {
	it('takes the first frame as neutral, the nearest to each action’s completion and to each point of the capture', () => {
		const frames = [0, 500, 1000, 1500, 2000, 2500, 3000].map((t) => ({ t: t + 100 }));
		const picked = pickEvidenceFrames(['neutral', 'action:1:turn_left', 'at:500', 'at:900'], frames, {
			startedAt: 100,
			endedAt: 3100,
			completedAt: [null, 2380]
		});
		expect(picked).toEqual([0, 5, 3, 5]);
		expect(
			pickEvidenceFrames(['action:0:open_mouth'], frames, { startedAt: 0, endedAt: 1, completedAt: [null] })
		).toEqual([-1]);
		expect(
			pickEvidenceFrames(['neutral', 'at:300'], [], { startedAt: 0, endedAt: 1, completedAt: [] })
		).toEqual([-1, -1]);
	});
});

describe('the frames the phone crops from', () => {
	it('an action’s peak is the frame that completed the step, not the thinned sample nearest to it', () => {
		// The loop keeps a sample every 500 ms (thinned to every 1000 ms on a long check) and the frame each step
		// completed on; the head turn completed at 2380 ms, between two samples.
		const sampled = [0, 1000, 2000, 3000].map((t) => ({ t, id: `sample@${t}` }));
		const peaks = [{ t: 2380, id: 'peak:turn_left' }];
		const candidates = evidenceCandidates(sampled, peaks);
		expect(candidates.map((c) => c.t)).toEqual([0, 1000, 2000, 2380, 3000]);
		const moments = ['neutral', 'action:0:turn_left', 'at:500'];
		const picked = pickEvidenceFrames(moments, candidates, {
			startedAt: 0,
			endedAt: 3000,
			completedAt: [2380]
		});
		expect(picked.map((i) => candidates[i].id)).toEqual(['sample@0', 'peak:turn_left', 'sample@1000']);
		// Without the peak the turn's moment would fall on a sample 380 ms before it.
		const without = pickEvidenceFrames(moments, sampled, {
			startedAt: 0,
			endedAt: 3000,
			completedAt: [2380]
		});
		expect(sampled[without[1]].id).toBe('sample@2000');
	});
});

describe('the policy the phone follows', () => {
	it('takes the liveness evidence the server asked for, and keeps its own for a missing or unknown answer', () => {
		expect(fujian.liveness.evidence ?? 'none').toBe('none');
		const on = withLivenessEvidence(fujian, 'frames');
		expect(on.liveness.evidence).toBe('frames');
		expect(on.liveness.kind).toBe(fujian.liveness.kind);
		expect(resolve(on).evidenceFrames).toEqual(EVIDENCE_FRAMES);
		expect(resolve(fujian).evidenceFrames).toBeNull();
		expect(withLivenessEvidence(on, 'none').liveness.evidence).toBe('none');
		expect(resolve(withLivenessEvidence(on, 'none')).evidenceFrames).toBeNull();
		for (const answer of [undefined, null, 'all', 1]) {
			expect(withLivenessEvidence(fujian, answer)).toBe(fujian);
			expect(withLivenessEvidence(on, answer)).toBe(on);
		}
	});
});
