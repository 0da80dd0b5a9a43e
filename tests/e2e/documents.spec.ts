// The candidate documents: 《用户协议》, 《隐私政策》 and the face-information notice open from the consent screen,
// online and offline (the service worker precaches them), with the office, contact and retention of the
// province's policy; the consent the server records names the versions the candidate accepted.
import { expect, test, type Page } from '@playwright/test';
import { DOCUMENTS, currentVersions } from '../../src/lib/core/documents/index.ts';
import { hubei } from '../../src/lib/core/policy/index.ts';
import { registerCandidate, openPhone, startOnPc } from './support/flow.ts';
import { consent, expectStatus } from './support/phone.ts';

async function openDocument(phone: Page, id: 'terms' | 'privacy' | 'face'): Promise<Page> {
	const [page] = await Promise.all([
		phone.context().waitForEvent('page'),
		phone.getByTestId(`document-${id}`).click()
	]);
	await page.waitForLoadState('domcontentloaded');
	const document = page.getByTestId('document');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`《${DOCUMENTS[id].title.zh}》`);
	await expect(document).toHaveAttribute('data-version', DOCUMENTS[id].version);
	await expect(document).toContainText(hubei.office.name.zh);
	return page;
}

test('a candidate reads the documents from the consent screen, offline too, and the consent names their versions', async ({
	browser,
	page: pc
}) => {
	const idNumber = await registerCandidate(pc.request, 'hubei', 20_2026);
	const phone = await openPhone(browser, await startOnPc(pc, idNumber));
	await expectStatus(phone, 'consent');

	const terms = await openDocument(phone, 'terms');
	await expect(terms.getByTestId('document')).toContainText(hubei.office.contact.zh);
	await terms.close();
	const privacy = await openDocument(phone, 'privacy');
	await expect(privacy.getByTestId('document')).toContainText(`${hubei.office.retentionDays} 天`);
	await privacy.close();

	// Offline once the service worker has installed: the precached pages open all the same.
	await phone.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await phone.context().setOffline(true);
	for (const id of ['terms', 'privacy', 'face'] as const) await (await openDocument(phone, id)).close();
	await phone.context().setOffline(false);

	const recorded = phone.waitForResponse((r) => r.url().endsWith('/api/phone/consent'));
	await consent(phone);
	const answer = await recorded;
	expect(answer.status()).toBe(200);
	expect(await answer.json()).toEqual({ versions: currentVersions(), faceProcessing: true });
	await expectStatus(phone, 'confirm_record');
	await phone.context().close();
});
