// Generated ID cards of a test candidate (tests/support/idcard), written to a temp directory for setInputFiles:
// the card on a table at 80 % of the frame, JPEG, the way an album photo of a card looks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { storedSessions } from './phone-store.ts';
import { defaultCameraClip } from './camera.ts';
import { generateCard, type Degradation, type Identity } from '../../support/idcard/generate.ts';
import { DEMO_CANDIDATES } from '../../../src/lib/server/seed.ts';

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

/** A still of the person a fake camera clip shows, printed on the card, so the liveness step's face match with
 * the card portrait compares the same person. */
export function cameraFace(clip = defaultCameraClip()): string {
	const out = join(dir, `face-${basename(clip).replace(/\.[^.]+$/, '')}.jpg`);
	if (!existsSync(out)) {
		const input = clip.endsWith('.mjpeg') ? ['-f', 'mjpeg', '-i', clip] : ['-i', clip];
		execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...input, '-frames:v', '1', out]);
	}
	return out;
}
/** Every card file handed to a page, so a test can check none of their bytes left the phone. */
export const generatedCards: string[] = [];

/** A photograph of a printed copy of the card instead of the card itself (the e2e's recapture warning). */
export const PRINTED_COPY: Degradation = {
	fill: 0.8,
	jpegQuality: 85,
	recapture: { kind: 'print', cell: 3 }
};

export async function cardFile(
	side: 'portrait' | 'emblem',
	/** `face`: the picture printed on the portrait side (default: the default camera clip's person). */
	opts: { identity?: Partial<Identity>; degrade?: Degradation; seed?: number; face?: string } = {}
): Promise<string> {
	const card = await generateCard({
		seed: opts.seed ?? 7,
		side,
		identity: { ...DEMO_IDENTITY, ...opts.identity },
		degrade: opts.degrade ?? { fill: 0.8, jpegQuality: 90 },
		...(side === 'portrait' ? { face: opts.face ?? cameraFace() } : {}),
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

/**
 * Full addresses of the candidates the server seeded and the tests registered. The phone holds the address masked
 * (`****` after its first characters), and a card printed with asterisks is no card.
 */
const fullAddresses = new Map<string, string>(
	Object.values(DEMO_CANDIDATES).map((c) => [c.id_number, c.address])
);
export const rememberAddress = (idNumber: string, address: string) => fullAddresses.set(idNumber, address);

/** The registration record the phone holds (IndexedDB), as the holder of a card: so each province's own demo
 * candidate gets their own card. */
export async function phoneIdentity(phone: Page): Promise<Partial<Identity>> {
	const [{ record: r }] = await storedSessions(phone);
	return {
		name: r.name,
		sex: r.sex as '男' | '女',
		ethnicity: r.ethnicity,
		birthDate: r.birthDate,
		address: fullAddresses.get(r.idNumber) ?? r.address,
		idNumber: r.idNumber
	};
}

/**
 * A card picture as the phone's rear camera delivers it (640x480, what the capture asks for), for the fake camera
 * to play: the test then takes the picture with the camera instead of uploading a file.
 */
export async function cameraStill(cardPath: string): Promise<string> {
	const out = cardPath.replace(/\.(jpe?g|png)$/i, '-camera.png');
	await sharp(cardPath).resize(640, 480).png().toFile(out);
	generatedCards.push(out);
	return out;
}
