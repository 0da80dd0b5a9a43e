// `zv idcard` end to end: a real process, real models, JSON on stdout, exit codes for bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../../support/fixtures.ts';
import { generateCard } from '../../support/idcard/generate.ts';

const dir = mkdtempSync(join(tmpdir(), 'zv-idcard-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zv(...args: string[]) {
	const r = spawnSync(process.execPath, ['src/cli/zv.mjs', 'idcard', ...args], { encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('zv idcard read', () => {
	it('prints the fields of a photographed portrait side as JSON', async () => {
		const card = await generateCard({
			seed: 61,
			side: 'portrait',
			degrade: { fill: 0.72, rotate: 4, jpegQuality: 60 },
			outDir: dir
		});
		const out = join(dir, 'portrait.png');
		const r = zv(
			'read',
			card.path as string,
			'--side',
			'portrait',
			'--today',
			'2026-11-25',
			'--portrait-out',
			out
		);
		expect(r.code).toBe(0);
		const json = JSON.parse(r.stdout);
		expect(json.side).toBe('portrait');
		expect(json.fields).toEqual({
			name: card.identity.name,
			sex: card.identity.sex,
			ethnicity: card.identity.ethnicity,
			birthDate: card.identity.birthDate,
			address: card.identity.address,
			idNumber: card.identity.idNumber
		});
		expect(json.checks.idNumber.valid).toBe(true);
		expect(Object.keys(json.confidence)).toHaveLength(6);
	});

	it('prints validFrom/validTo of the emblem side, 长期 included', async () => {
		const card = await generateCard({
			seed: 62,
			side: 'emblem',
			identity: { validFrom: '2012-05-06', validTo: '长期' },
			outDir: dir
		});
		const r = zv('read', card.path as string, '--today', '2026-11-25');
		expect(r.code).toBe(0);
		const json = JSON.parse(r.stdout);
		expect(json.fields).toEqual({
			authority: card.identity.authority,
			validFrom: '2012-05-06',
			validTo: '长期'
		});
		expect(json.checks.expired).toBe(false);
	});

	it('fails clearly on a missing file, a non-image and an image without a card', () => {
		const missing = zv('read', join(dir, 'nope.jpg'));
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('no such file');
		const notImage = zv('read', 'package.json');
		expect(notImage.code).toBe(3);
		expect(notImage.stderr).toContain('not an image');
		const noCard = zv('read', fixture('faces', 'obama_1.jpg'));
		expect(noCard.code).toBe(4);
		expect(noCard.stderr).toContain('no ID card found');
		expect(zv('read').code).toBe(2);
		expect(zv('read', 'x.jpg', '--side', 'back').code).toBe(2);
	});
});

describe('zv idcard check', () => {
	it('validates a number and exits 1 for a bad one', () => {
		const ok = zv('check', '11010519491231002X');
		expect(ok.code).toBe(0);
		expect(JSON.parse(ok.stdout).birthDate).toBe('1949-12-31');
		const bad = zv('check', '123456789012345678');
		expect(bad.code).toBe(1);
		expect(JSON.parse(bad.stdout).reasons[0].code).toBe('id.checksum');
	});
});

describe('zv idcard compare', () => {
	it('compares the card with a registration record field by field', async () => {
		const { writeFileSync } = await import('node:fs');
		const card = await generateCard({ seed: 63, side: 'portrait', outDir: dir });
		const good = join(dir, 'good.json');
		const bad = join(dir, 'bad.json');
		const id = card.identity;
		writeFileSync(
			good,
			JSON.stringify({ name: id.name, sex: id.sex, birthDate: id.birthDate, idNumber: id.idNumber })
		);
		writeFileSync(bad, JSON.stringify({ name: id.name, birthDate: '1901-01-01', idNumber: id.idNumber }));
		const ok = zv('compare', card.path as string, '--record', good);
		expect(ok.code).toBe(0);
		expect(JSON.parse(ok.stdout).comparison.verdict).toBe('match');
		const no = zv('compare', card.path as string, '--record', bad);
		expect(no.code).toBe(1);
		const cmp = JSON.parse(no.stdout).comparison;
		expect(cmp.verdict).toBe('mismatch');
		expect(cmp.reasons[0].code).toBe('compare.birthDate.mismatch');
	});
});
