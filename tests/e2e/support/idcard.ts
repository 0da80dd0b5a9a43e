// Generated ID cards of a test candidate (tests/support/idcard), written to a temp directory for setInputFiles:
// the card on a table at 80 % of the frame, JPEG, the way an album photo of a card looks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCard, type Degradation, type Identity } from '../../support/idcard/generate.ts';

/** The seeded demo candidate (src/lib/server/seed.ts) as printed on their card. */
export const DEMO_IDENTITY: Partial<Identity> = {
	name: '王小明',
	sex: '男',
	ethnicity: '汉',
	birthDate: '1990-03-07',
	address: '北京市朝阳区建国路88号',
	idNumber: '110105199003071239'
};

const dir = mkdtempSync(join(tmpdir(), 'zv-e2e-cards-'));
/** Every card file handed to a page, so a test can check none of their bytes left the phone. */
export const generatedCards: string[] = [];

export async function cardFile(
	side: 'portrait' | 'emblem',
	opts: { identity?: Partial<Identity>; degrade?: Degradation; seed?: number } = {}
): Promise<string> {
	const card = await generateCard({
		seed: opts.seed ?? 7,
		side,
		identity: { ...DEMO_IDENTITY, ...opts.identity },
		degrade: opts.degrade ?? { fill: 0.8, jpegQuality: 90 },
		write: false
	});
	const path = join(
		dir,
		`${side}-${Math.random().toString(36).slice(2)}.${card.bytes[0] === 0xff ? 'jpg' : 'png'}`
	);
	writeFileSync(path, card.bytes);
	generatedCards.push(path);
	return path;
}
