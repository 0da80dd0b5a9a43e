// Its own module so the page can read it without pulling the face engine into the shell bundle.
import type { FaceEngineOptions } from './engine.ts';

/**
 * The phone's camera loop runs the detector on every third frame and lets the box follow the landmarks in between:
 * twice the frame rate of detecting on every frame (bench/out/browser.json), the same blinks and turns caught in
 * Node replays down to 3 fps (tests/node/face/tracking.test.ts; the liveness bench runs both cadences).
 *
 * Once it outran Chromium's 15 fps fake camera, the e2e flows failed the live selfie as a still picture: the loop
 * measured each camera frame two or three times and the frame-to-frame motion of a repeated frame is 0. The loop
 * now waits for a new frame (videoFrameClock in src/lib/client/camera.ts), as it must on a phone whose camera gives
 * 30 frames a second to a loop that could measure more.
 */
export const CAMERA_LOOP: Readonly<FaceEngineOptions> = { detectEvery: 3 };
/** The detector on every frame: the reference the benches compare the camera loop with. */
export const DETECT_EVERY_FRAME: Readonly<FaceEngineOptions> = { detectEvery: 1 };

/**
 * A phone too slow for the camera loop (a budget phone, or one busy with other work): once the loop's time per
 * frame (grabbing the frame and measuring it) stays above `frameBudgetMs` over `overFrames` frames in a row, the loop
 * measures frames `frameWidth` pixels wide (the face detector's own input width) and grabs a full-size frame only
 * for the embedding and anti-spoof samples. Measured under CPU throttling in models/notes/budget-phones.md.
 */
export const SLOW_CAMERA_LOOP = { frameBudgetMs: 120, overFrames: 3, frameWidth: 320 } as const;
