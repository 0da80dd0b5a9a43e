// The synthetic-timing signal on the fixtures' own frame times (ffprobe's packet times): a real front-camera
// selfie recorded on a phone raises no signal; a constant-rate film excerpt, as a file fed to a virtual camera
// plays, does. Container times are what the recording kept of the camera's clock, not the browser's captureTime.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
	injectionSignals,
	intervalJitter,
	MIN_TIMED_FRAMES
} from '../../../src/lib/core/liveness/injection.ts';
import { fixture } from '../../support/fixtures.ts';

function frameTimesMs(clip: string): number[] {
	const r = spawnSync(
		'ffprobe',
		[
			'-v',
			'error',
			'-select_streams',
			'v:0',
			'-show_entries',
			'packet=pts_time',
			'-of',
			'csv=p=0',
			fixture('clips', clip)
		],
		{ encoding: 'utf8' }
	);
	expect(r.status, r.stderr).toBe(0);
	return r.stdout
		.split('\n')
		.filter(Boolean)
		.map((s) => Number(s) * 1000)
		.sort((a, b) => a - b);
}

const observed = (frameTimes: number[]) =>
	injectionSignals({ label: 'Front Camera', webdriver: false, frameTimes, sizes: [] });

describe('synthetic frame timing on recorded clips', () => {
	it('a real phone selfie (live_blink_selfie.mp4) raises no signal', () => {
		const times = frameTimesMs('live_blink_selfie.mp4');
		expect(times.length).toBeGreaterThan(300);
		expect(intervalJitter(times)!).toBeGreaterThan(0.5);
		expect(observed(times)).toEqual([]);
		// Every stretch of it as long as the shortest one judged (MIN_TIMED_FRAMES), as a liveness check sees it.
		const n = MIN_TIMED_FRAMES + 1;
		const windows = times.map((_, i) => times.slice(i, i + n)).filter((w) => w.length === n);
		expect(windows.length).toBeGreaterThan(200);
		expect(windows.filter((w) => observed(w).length > 0)).toEqual([]);
	});

	it('a constant-rate file (hamilton_clip.mp4) is named synthetic', () => {
		expect(observed(frameTimesMs('hamilton_clip.mp4'))).toEqual(['synthetic_timing']);
	});
});
