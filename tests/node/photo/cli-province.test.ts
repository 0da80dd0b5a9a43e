// `zv photo --province`: the CLI checks a photo against the province's own spec, as the phone and the server do.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../support/fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function zv(...args: string[]) {
	const r = spawnSync(process.execPath, ['src/cli/zv.mjs', 'photo', ...args], {
		cwd: root,
		encoding: 'utf8'
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const codes = (stdout: string) => (JSON.parse(stdout).reasons as { code: string }[]).map((r) => r.code);

describe('zv photo --province', () => {
	it("checks Fujian's live still by its own rules (no print density) and Hubei's photo by Hubei's", () => {
		const photo = fixture('idphotos', 'nonconf_72dpi_blue_bg_man.jpg');
		const hubei = zv('check', photo, '--province', 'hubei');
		expect(codes(hubei.stdout)).toContain('FILE_WRONG_DPI');
		expect(hubei.code).toBe(1);
		const fujian = zv('check', photo, '--province', 'fujian');
		expect(codes(fujian.stdout)).not.toContain('FILE_WRONG_DPI');
		// Without --province the CLI keeps Hubei's rules.
		expect(codes(zv('check', photo).stdout)).toEqual(codes(hubei.stdout));
	});

	it('zv liveness replay takes the same --province and refuses an unknown one before decoding', () => {
		const r = spawnSync(
			process.execPath,
			[
				'src/cli/zv.mjs',
				'liveness',
				'replay',
				fixture('clips', 'live_blink_selfie_480x640_15fps.mjpeg'),
				'--challenge',
				'["blink"]',
				'--province',
				'atlantis'
			],
			{ cwd: root, encoding: 'utf8' }
		);
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/unknown province "atlantis"/);
	});

	it('refuses a province without a policy with one line naming the known ones', () => {
		const r = zv('check', fixture('idphotos', 'nonconf_72dpi_blue_bg_man.jpg'), '--province', 'atlantis');
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/unknown province "atlantis" \(known: .*hubei/);
	});
});
