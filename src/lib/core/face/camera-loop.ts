// Its own module so the page can read it without pulling the face engine into the shell bundle.
import type { FaceEngineOptions } from './engine.ts';

/**
 * The phone's camera loop for action challenges: the detector on every third frame, the box following the
 * landmarks in between (digit reading and still pictures run the detector on every frame). Measured
 * equivalent to per-frame detection on the fixture clips (tests/node/face/tracking.test.ts, the liveness bench
 * runs both) and about twice as fast in Chromium (bench/out/browser.json).
 */
export const CAMERA_LOOP: Readonly<FaceEngineOptions> = { detectEvery: 3 };
