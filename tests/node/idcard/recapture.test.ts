// Recapture warnings on generated captures: the card itself gives none; the card on a screen, a grey photocopy
// and a colour print are each warned about; the reader puts the warning first among its reasons without refusing.
import { describe, expect, it } from 'vitest';
import { warpPerspective } from '../../../src/lib/core/idcard/geometry.ts';
import { locateCard } from '../../../src/lib/core/idcard/locate.ts';
import { checkRecapture } from '../../../src/lib/core/idcard/recapture.ts';
import { RECTIFIED_H, RECTIFIED_W } from '../../../src/lib/core/idcard/reader.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { generateCard, type Degradation } from '../../support/idcard/generate.ts';
import { idCardReader } from '../../support/idcard/reader.ts';

const pose: Degradation = { fill: 0.7, rotate: 3, perspective: 0.02, jpegQuality: 80, blur: 0.5 };

async function kindOf(seed: number, side: 'portrait' | 'emblem', degrade: Degradation) {
	const card = await generateCard({ seed, side, degrade, write: false });
	const image = await decodeImage(card.bytes);
	const located = locateCard(image);
	if (!located.ok) throw new Error('card not located');
	return checkRecapture(warpPerspective(image, located.location.corners, RECTIFIED_W, RECTIFIED_H)).kind;
}

describe('recapture warnings', () => {
	it('gives none for the card itself, in bright, dim, warm and cool light', async () => {
		const lights: Degradation[] = [
			{ desk: 'dark', autoExposure: true, unevenLight: 0.3 },
			{ brightness: 0.45, noise: 5 },
			{ whiteBalance: [1.15, 1, 0.72] },
			{ whiteBalance: [0.85, 1, 1.18] }
		];
		for (const [i, light] of lights.entries())
			for (const side of ['portrait', 'emblem'] as const)
				expect(await kindOf(61 + i, side, { ...pose, ...light })).toBeNull();
	});

	// Which of screen and print is named is less sure (the bench reports it); that a warning is given is not.
	it('warns about a screen, a photocopy and a print', async () => {
		for (const side of ['portrait', 'emblem'] as const) {
			expect(
				await kindOf(65, side, { ...pose, desk: 'dark', recapture: { kind: 'screen', pitch: 1.8 } })
			).not.toBeNull();
			expect(await kindOf(66, side, { ...pose, recapture: { kind: 'photocopy' } })).toBe('photocopy');
			expect(await kindOf(67, side, { ...pose, recapture: { kind: 'print', cell: 3 } })).not.toBeNull();
		}
	});

	it('reads a photocopied card but puts the warning first, without refusing it', async () => {
		const card = await generateCard({
			seed: 68,
			side: 'portrait',
			degrade: { ...pose, recapture: { kind: 'photocopy' } },
			write: false
		});
		const r = await idCardReader.read(await decodeImage(card.bytes), {
			today: '2026-11-25',
			side: 'portrait'
		});
		expect(r.status).toBe('ok');
		expect(r.reasons[0].code).toBe('capture.recapture.photocopy');
		expect(r.capture.recapture?.kind).toBe('photocopy');
	});
});
