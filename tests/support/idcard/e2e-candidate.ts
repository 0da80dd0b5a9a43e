// A registered candidate's ID step as the e2e runs it, in Node: the candidate tests/e2e/support/flow.ts registers
// (randomIdentity of a seed), their album cards made exactly as the e2e makes them (tests/e2e/support/idcard.ts:
// cardFile, with the camera clip's face), read by the core reader over onnxruntime-node, and summarised against
// the record the server sends (address masked) the way the phone's ID step does (src/lib/client/idcard.ts).
import { readFileSync } from 'node:fs';
import { summarizeIdCard, type IdCardSummary, type SideReading } from '../../../src/lib/client/idcard.ts';
import type { PhoneRecord } from '../../../src/lib/client/phone-store.ts';
import type { CardSide } from '../../../src/lib/core/idcard/fields.ts';
import { maskAddress } from '../../../src/lib/core/mask.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { cardFile } from '../../e2e/support/idcard.ts';
import type { Degradation } from './generate.ts';
import { randomIdentity, rng, type Identity } from './identities.ts';
import { idCardReader } from './reader.ts';

export async function readAlbumCard(
	side: CardSide,
	identity: Partial<Identity>,
	today: string,
	degrade?: Degradation
): Promise<SideReading> {
	const path = await cardFile(side, { identity, ...(degrade ? { degrade } : {}) });
	const reading = await idCardReader.read(await decodeImage(readFileSync(path)), { side, today });
	const { portrait: _portrait, lines: _lines, ...kept } = reading;
	void _portrait;
	void _lines;
	return kept;
}

/** The record the phone holds for a registered identity (the server masks the address). */
export const phoneRecordOf = (identity: Identity) =>
	({
		name: identity.name,
		sex: identity.sex,
		ethnicity: identity.ethnicity,
		birthDate: identity.birthDate,
		address: maskAddress(identity.address),
		idNumber: identity.idNumber
	}) as PhoneRecord;

export interface CandidateIdStep {
	identity: Identity;
	readings: Partial<Record<CardSide, SideReading>>;
	summary: IdCardSummary;
	/** What the e2e needs: both sides read, nothing blocking, nothing to confirm ("信息一致，继续" enabled). */
	clean: boolean;
}

/**
 * The ID step of the candidate registered with `seed`. `emblem`: an emblem reading to reuse (the e2e's emblem
 * side prints nothing of the candidate, so one read serves every candidate). `degrade`: how the pictures were
 * taken, when not as the e2e's album cards are (e.g. of a printed copy).
 */
export async function candidateIdStep(
	seed: number,
	today: string,
	emblem?: SideReading,
	degrade?: Degradation
): Promise<CandidateIdStep> {
	const identity = randomIdentity(rng(seed));
	const readings = {
		portrait: await readAlbumCard('portrait', identity, today, degrade),
		emblem: emblem ?? (await readAlbumCard('emblem', identity, today, degrade))
	};
	const summary = summarizeIdCard(readings, phoneRecordOf(identity), nodeRegionTable(), today);
	const clean =
		readings.portrait.status === 'ok' &&
		readings.emblem.status === 'ok' &&
		!summary.blocking &&
		!summary.needsConfirmation;
	return { identity, readings, summary, clean };
}
