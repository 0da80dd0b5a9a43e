// The phone's screens as the page itself sees them change (a query from the test lags under load): each screen
// shown becomes a performance mark `SCREEN_MARK<status>` (a trace sees it in the page's clock) and, where the test
// exposed `zvScreenShown`, a call to it.
import type { BrowserContext } from '@playwright/test';

export const SCREEN_MARK = 'screen ';

export async function markScreens(context: BrowserContext): Promise<void> {
	await context.addInitScript((prefix: string) => {
		let shown = '';
		const report = () => {
			const status = document.querySelector('[data-testid="screen"]')?.getAttribute('data-status');
			if (!status || status === shown) return;
			shown = status;
			performance.mark(prefix + status);
			(window as unknown as { zvScreenShown?(s: string): void }).zvScreenShown?.(status);
		};
		new MutationObserver(report).observe(document, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['data-status']
		});
	}, SCREEN_MARK);
}
