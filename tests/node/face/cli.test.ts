// The `zv face` commands as a user runs them: a real process, JSON on stdout, one clear line on stderr.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../support/fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function zv(...args: string[]) {
	const r = spawnSync(process.execPath, ['src/cli/zv.mjs', 'face', ...args], { cwd: root, encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('zv face', () => {
	it('detect lists every face with box, score and pose', () => {
		const r = zv('detect', fixture('faces', 'group_obama_and_biden.jpg'));
		expect(r.code).toBe(0);
		const { faces } = JSON.parse(r.stdout);
		expect(faces).toHaveLength(3);
		for (const f of faces) {
			expect(f.box).toHaveLength(4);
			expect(f.score).toBeGreaterThan(0.8);
			expect(Object.keys(f.pose).sort()).toEqual(['pitch', 'roll', 'yaw']);
		}
	});

	it('compare matches the same person and not two different people', () => {
		const same = zv('compare', fixture('faces', 'obama_1.jpg'), fixture('faces', 'obama_2.jpg'));
		expect(same.code).toBe(0);
		expect(JSON.parse(same.stdout)).toMatchObject({ match: true, threshold: 0.45 });
		const other = zv(
			'compare',
			fixture('faces', 'lfw_Yao_Ming_1.jpg'),
			fixture('faces', 'lfw_Zhu_Rongji_1.jpg')
		);
		const o = JSON.parse(other.stdout);
		expect(o.match).toBe(false);
		expect(o.similarity).toBeLessThan(o.threshold);
	});

	it('spoof flags a photo held to the camera', () => {
		const r = zv('spoof', fixture('spoof', 'spoof_print_or_screen_2.jpg'));
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.isLive).toBe(false);
		expect(out.live).toBeGreaterThanOrEqual(0);
		expect(out.live).toBeLessThan(out.threshold);
	});

	it.each([
		[['spoof', '/no/such/file.jpg'], 2, /no such file/],
		[['spoof', fixture('faces', 'pairs.csv')], 3, /not an image/],
		[['detect', fixture('idphotos', 'nonconf_no_face_plain_blue.jpg')], 4, /no face/],
		[
			['compare', fixture('faces', 'obama_1.jpg'), fixture('faces', 'group_two_people.jpg')],
			5,
			/2 faces found/
		],
		[['compare', fixture('faces', 'obama_1.jpg')], 2, /two images/],
		[['frobnicate'], 2, /unknown subcommand/]
	])('refuses %j with exit %i and a clear message', (args, code, message) => {
		const r = zv(...(args as string[]));
		expect(r.code).toBe(code);
		expect(r.stdout).toBe('');
		expect(r.stderr).toMatch(message);
		expect(r.stderr.trim().split('\n')[0]).toMatch(/^zv face: /);
	});
});
