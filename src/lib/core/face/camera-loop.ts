// Its own module so the page can read it without pulling the face engine into the shell bundle.
import type { FaceEngineOptions } from './engine.ts';

/**
 * The phone's camera loop runs the detector on every frame.
 *
 * TRACKING (the detector on every third frame, the box following the landmarks in between) is twice as fast in
 * Chromium (bench/out/browser.json: 58 vs 28 fps on 2 cores) and catches the same blinks in Node replays down to
 * 3 fps (tests/node/face/tracking.test.ts, the liveness bench runs both cadences), but with Chromium's fake camera
 * on a quiet machine the live selfie's blink was missed in 5 of 6 action-liveness e2e flows. Until that is
 * understood the phone does not use it.
 */
export const CAMERA_LOOP: Readonly<FaceEngineOptions> = { detectEvery: 1 };
export const TRACKING: Readonly<FaceEngineOptions> = { detectEvery: 3 };
