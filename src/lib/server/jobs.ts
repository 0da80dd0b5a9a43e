// Background jobs of a server process: retention every hour, webhook delivery every 10 s when configured, the
// exhaustive duplicate sweep every 5 s, and the confirmations' one-time passwords (every 2 s, and right after a
// confirmation or a sweep commits: a password waits for its confirmation's sweep).
// Timers are unref'd so they never keep the process alive; each run is safe on several instances at once.
import { config } from './config.ts';
import type { Db } from './db/index.ts';
import { pruneRateLimits } from './services/rate-limit.ts';
import { DUPLICATE_SWEEP, sweepDuplicates } from './services/duplicate-sweep.ts';
import { applyRetention } from './services/retention.ts';
import { deliverWebhooks } from './services/webhook.ts';
import { startPasswordJobs, wakePasswordJobs } from './services/password-jobs.ts';
import { smsSender } from './sms/index.ts';

let started = false;

export function startJobs(db: Db): void {
	if (started) return;
	started = true;
	// A run that outlasts its interval (a sweep's backlog) is not started again beside itself.
	const every = (ms: number, job: () => Promise<unknown>) => {
		let running = false;
		const run = () => {
			if (running) return;
			running = true;
			job()
				.catch((error) => console.error('job failed:', error instanceof Error ? error.message : error))
				.finally(() => (running = false));
		};
		setTimeout(run, 5_000).unref();
		setInterval(run, ms).unref();
	};
	every(3_600_000, async () => {
		await applyRetention(db);
		await pruneRateLimits(db);
	});
	// A confirmation's password waits for its sweep (password-jobs.ts): a sweep that cleared rows lets it go at once.
	every(DUPLICATE_SWEEP.intervalMs, async () => {
		if ((await sweepDuplicates(db)).swept > 0) wakePasswordJobs();
	});
	startPasswordJobs(db, smsSender(db));
	const { webhookUrl: url, webhookSecret: secret } = config;
	if (url && secret) every(10_000, () => deliverWebhooks(db, { url, secret }));
}
