// A candidate whose only picture shows them in front of a busy background (a street) gets a compliant
// blue-background registration photo on the phone: the photo step loads the person-segmentation model (with its
// download shown) and the photo worker replaces the background with the province's colour.
import { expect, test } from '@playwright/test';
import { startOnPc } from './support/flow.ts';
import { confirmRecord, consent, expectStatus, fixturePath, idCards, openPhoneAs } from './support/phone.ts';
import { storedSessions } from './support/phone-store.ts';
import { beijing } from '../../src/lib/core/policy/beijing.ts';

test('beijing: a selfie in front of a street becomes a compliant blue-background photo on the phone', async ({
	page: pc,
	browser
}) => {
	const spec = beijing.photo.kind === 'upload' ? beijing.photo.spec : null;
	expect(spec, 'Beijing shows the processed photo').not.toBeNull();
	const phone = await openPhoneAs(browser, await startOnPc(pc), 'beijing');
	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await expectStatus(phone, 'photo');
	await phone
		.getByTestId('photo-file')
		.setInputFiles(fixturePath('idphotos', 'nonconf_wrong_background_hivision_test1.jpg'));
	// The face and segmentation models download with their progress shown.
	await expect(phone.getByTestId('model-progress')).toContainText('人像分割模型');
	await expect(phone.getByRole('status')).toContainText('照片符合要求', { timeout: 90_000 });
	await expect(phone.getByText('人像分割')).toHaveCount(0);

	// The photo to submit: 480x640, its corners painted in the spec's blue.
	const output = phone.getByRole('img', { name: '将要提交的照片' });
	const pixels = await output.evaluate(async (img: HTMLImageElement) => {
		await img.decode();
		const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
		const ctx = canvas.getContext('2d')!;
		ctx.drawImage(img, 0, 0);
		const corner = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
		return {
			size: [img.naturalWidth, img.naturalHeight],
			corners: [corner(5, 5), corner(img.naturalWidth - 6, 5)]
		};
	});
	expect(pixels.size).toEqual([spec!.file.width, spec!.file.height]);
	for (const rgb of pixels.corners)
		rgb.forEach((v, i) => expect(Math.abs(v - spec!.background.fill[i])).toBeLessThanOrEqual(12));

	const [stored] = await storedSessions(phone);
	expect(stored.photo).toMatchObject({ type: 'image/jpeg', passed: true, reasons: [] });
	expect(stored.photo!.bytes).toBeGreaterThanOrEqual(spec!.file.minBytes);
	expect(stored.photo!.bytes).toBeLessThanOrEqual(spec!.file.maxBytes);

	await phone.getByRole('button', { name: '使用此照片' }).click();
	await expectStatus(phone, 'liveness');
	const [accepted] = await storedSessions(phone);
	expect(accepted.results.photo?.details).toMatchObject({
		segmentation: 'selfie-segmentation',
		processed: true,
		segmentationError: null
	});
});
