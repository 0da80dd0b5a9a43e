// The whole-clip presentation attacks of the combined-verdict bench (tests/support/spoof/clips.ts) are what their
// names say: a print shows the clip's first frame only, a screen replay follows the clip, an injected still repeats
// one frame exactly, and a held medium's frames differ from one another as a camera's do.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import type { TimedFrame } from '../../../src/lib/core/liveness/replay.ts';
import { CONDITIONS } from '../../support/spoof/attacks.ts';
import { presentAttack, type AttackKind } from '../../support/spoof/clips.ts';

/** A plain picture with a bright square whose place depends on `shift`, so two of them differ. */
function picture(shift: number): RgbaImage {
	const [width, height] = [120, 160];
	const data = new Uint8ClampedArray(width * height * 4).fill(90);
	for (let y = 40; y < 100; y++)
		for (let x = 20 + shift; x < 70 + shift; x++)
			data.fill(230, (y * width + x) * 4, (y * width + x) * 4 + 3);
	for (let p = 3; p < data.length; p += 4) data[p] = 255;
	return { width, height, data };
}

async function frames(kind: AttackKind, sources: RgbaImage[]): Promise<RgbaImage['data'][]> {
	async function* clip(): AsyncGenerator<TimedFrame> {
		for (const [i, image] of sources.entries()) yield { image, t: i * 66 };
	}
	const condition = CONDITIONS.find((c) => c.species === (kind === 'screen_replay' ? 'screen' : 'print'))!;
	const out: RgbaImage['data'][] = [];
	for await (const f of presentAttack(kind, clip(), condition, 11)) out.push(f.image.data);
	return out;
}

const same = (a: RgbaImage['data'], b: RgbaImage['data']) =>
	Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const [first, later] = [picture(0), picture(40)];

describe('whole-clip presentation attacks', () => {
	it('an injected still repeats the first frame exactly', async () => {
		const [a, b] = await frames('still_image', [first, later]);
		expect(same(a, b)).toBe(true);
		expect(same(a, first.data)).toBe(true);
	});

	it('a print shows the first frame only, and its camera frames differ from one another', async () => {
		const [a, b] = await frames('print', [first, later]);
		const [c, d] = await frames('print', [first, first]);
		expect(same(a, c) && same(b, d)).toBe(true);
		expect(same(a, b)).toBe(false);
	}, 120_000);

	it('a screen replay follows the clip', async () => {
		const [, b] = await frames('screen_replay', [first, later]);
		const [, d] = await frames('screen_replay', [first, first]);
		expect(same(b, d)).toBe(false);
	}, 120_000);
});
