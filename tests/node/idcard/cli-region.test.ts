// `zv idcard check` and `zv idcard read` name the number's place to county level (staged region table), its
// kind, and a note for a region code no list knows; typed input may carry spaces and a lower-case x.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../../src/lib/core/idcard/number.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { generateCard } from '../../support/idcard/generate.ts';

const dir = mkdtempSync(join(tmpdir(), 'zv-idcard-region-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zv(...args: string[]) {
	const r = spawnSync(process.execPath, ['src/cli/zv.mjs', 'idcard', ...args], { encoding: 'utf8' });
	return { code: r.status, json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}
const withCheck = (first17: string) => first17 + checkCharacter(first17);

describe('zv idcard check', () => {
	it('shows the region to county level for current codes, typed with spaces and a lower-case x', () => {
		const r = zv('check', '110105', '19491231', '002x', '--today', '2026-11-25');
		expect(r.code).toBe(0);
		expect(r.json).toMatchObject({
			idNumber: '11010519491231002X',
			kind: 'resident',
			valid: true,
			region: { code: '110105', label: '北京市朝阳区', level: 'county', status: 'current' }
		});
		const wuchang = zv('check', withCheck('42010619900101001'));
		expect(wuchang.json.region).toMatchObject({ label: '湖北省武汉市武昌区', status: 'current' });
	});

	it('labels an abolished code, notes an unknown one, and names the other kinds', () => {
		const former = zv('check', withCheck('37120219750312003'));
		expect(former.code).toBe(0);
		expect(former.json.region).toMatchObject({ label: '山东省莱芜市莱城区', status: 'former' });
		const unknown = zv('check', withCheck('42019919900101001'));
		expect(unknown.code).toBe(0);
		expect(unknown.json.notes.map((n: { code: string }) => n.code)).toEqual(['id.region_unverified']);
		const pr = zv('check', withCheck('91184019850704002'));
		expect(pr.json).toMatchObject({ kind: 'permanent_residence', nationality: '840', valid: true });
		const permit = zv('check', withCheck('83000019900101001'));
		expect(permit.json.kindLabel.zh).toBe('港澳台居民居住证（台湾居民）');
		const bad = zv('check', withCheck('00010519900101001'));
		expect(bad.code).toBe(1);
		expect(bad.json.reasons[0].code).toBe('id.region_unknown');
	});
});

describe('zv idcard read', () => {
	it('shows the region of the number read to county level', async () => {
		const card = await generateCard({ seed: 64, side: 'portrait', outDir: dir });
		const r = zv('read', card.path as string, '--side', 'portrait', '--today', '2026-11-25');
		expect(r.code).toBe(0);
		expect(r.json.fields.idNumber).toBe(card.identity.idNumber);
		const expected = nodeRegionTable().lookup(card.identity.idNumber.slice(0, 6));
		expect(expected.status).toBe('current');
		expect(r.json.checks.idNumber).toMatchObject({
			kind: 'resident',
			region: { label: expected.label, level: 'county', status: 'current' }
		});
		expect(r.json.checks.idNumber.region.label).toContain(expected.county);
	});
});
