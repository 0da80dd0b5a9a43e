// Issue 19's targets for the phone, written once: the benchmarks and the download test that measure each import
// its figure from here, and `summary.ts` prints them side by side after `npm run bench`.
export const PHONE_TARGETS = {
	/** Bytes a first visit through the whole flow may download, compressed as sent. */
	firstVisitBytes: 12e6,
	/** The camera loop's rate on the phone's setting for 2 cores. */
	cameraLoopFps: 60,
	/** One live sample: the embedding and the anti-spoof network on one frame. */
	liveSampleMs: 20,
	/** The first card read after the consent screen, from the file to the fields on screen. */
	firstReadMs: 400,
	/** The whole flow's model time on the phone (every worker, every step). */
	flowModelMs: 5000,
	/** A step the candidate waits on longer than this must show progress (budget phones, 4x throttled). */
	stepWithoutProgressMs: 3000
} as const;
