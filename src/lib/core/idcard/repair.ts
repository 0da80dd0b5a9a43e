// Repairs an OCR'd ID number, cautiously. A checksum catches every single misread, but blindly "fixing" one
// can turn a misread into a valid WRONG number: for any misread, some digit at almost every position makes the
// checksum hold again. So a repair is tried only where the card itself locates the misread: the number's birth
// digits disagree with the printed 出生, its sex digit with the printed 性别, or its region code is in no list.
// There every digit is tried (the card's true digit is among them, whatever the OCR confused it with), and
// exactly one substitution must give a valid number with a known region that agrees with the printed fields.
// Nothing located (a misread sequence digit or check character) means no repair: a lucky digit elsewhere
// cannot be told from the right one. The candidate always confirms a repair.
import { checkIdNumber, normalizeIdInput, type Sex } from './number.ts';
import type { RegionTable } from './regions.ts';

/** Unambiguous letter-for-digit slips: only digits and a final X are possible, so these are normalisation. */
const LETTER_DIGITS: Record<string, string> = {
	O: '0',
	D: '0',
	Q: '0',
	I: '1',
	L: '1',
	'|': '1',
	Z: '2',
	S: '5',
	B: '8',
	G: '6'
};

/** normalizeIdInput plus what OCR gets wrong: × / K at the end -> X, letters that can only be digits. */
export function normalizeIdText(text: string): string {
	let t = normalizeIdInput(text);
	if (t.length === 18 && /[×KＸ]/.test(t[17])) t = t.slice(0, 17) + 'X';
	const head = t.slice(0, 17).replace(/[A-Z|]/g, (c) => LETTER_DIGITS[c] ?? c);
	return head + t.slice(17);
}

export interface RepairEvidence {
	/** 出生 field read from the card, 'YYYY-MM-DD'. */
	birthDate?: string | null;
	/** 性别 field read from the card. */
	sex?: Sex | null;
}

export interface RepairResult {
	/** The repaired number, or null when no single supported repair exists. */
	idNumber: string | null;
	/** Every substitution at the located positions that validates, for transparency. */
	candidates: string[];
	/** Which card fields supported the chosen repair. */
	supportedBy: ('birthDate' | 'sex')[];
	/** Always true when idNumber is set: the candidate must confirm the corrected number. */
	needsConfirmation: boolean;
}

export interface RepairContext {
	regions: RegionTable;
	/** 'YYYY-MM-DD': a repair never yields a birth date after it. */
	today: string;
}

const sexOf = (id: string): Sex => (Number(id[16]) % 2 === 1 ? '男' : '女');
const birthDigits = (date: string) => date.replace(/-/g, '');

/** Valid, and its region (if it has one) is in the current, zone or former lists. */
function plausible(id: string, context: RepairContext): boolean {
	const check = checkIdNumber(id, context.today, context.regions);
	return check.valid && check.region?.status !== 'unverified';
}

function agrees(id: string, evidence: RepairEvidence): boolean {
	if (evidence.birthDate && birthDigits(evidence.birthDate) !== id.slice(6, 14)) return false;
	if (evidence.sex && sexOf(id) !== evidence.sex) return false;
	return true;
}

/** Positions the card's own fields point at as misread; empty when nothing does. */
function locatedPositions(id: string, evidence: RepairEvidence, context: RepairContext): number[] {
	const positions: number[] = [];
	if (evidence.birthDate) {
		const printed = birthDigits(evidence.birthDate);
		for (let i = 0; i < 8; i++) if (printed[i] !== id[6 + i]) positions.push(6 + i);
	}
	if (evidence.sex && sexOf(id) !== evidence.sex) positions.push(16);
	const check = checkIdNumber(id, context.today, context.regions);
	if (check.kind === null || check.region?.status === 'unverified') positions.push(0, 1, 2, 3, 4, 5);
	return positions;
}

/** Tries single-digit substitutions, where the card locates the misread, of a number whose check fails. */
export function repairIdNumber(text: string, evidence: RepairEvidence, context: RepairContext): RepairResult {
	const id = normalizeIdText(text);
	const none: RepairResult = { idNumber: null, candidates: [], supportedBy: [], needsConfirmation: false };
	if (!/^\d{17}[\dX]$/.test(id) || checkIdNumber(id, context.today, context.regions).checksumValid)
		return none;
	const candidates: string[] = [];
	for (const i of locatedPositions(id, evidence, context)) {
		for (const digit of '0123456789') {
			if (digit === id[i]) continue;
			const candidate = id.slice(0, i) + digit + id.slice(i + 1);
			if (plausible(candidate, context)) candidates.push(candidate);
		}
	}
	const supported = candidates.filter((c) => agrees(c, evidence));
	const supportedBy: ('birthDate' | 'sex')[] = [];
	if (evidence.birthDate) supportedBy.push('birthDate');
	if (evidence.sex) supportedBy.push('sex');
	// No evidence at all means nothing distinguishes a true repair from a lucky one.
	if (supported.length !== 1 || supportedBy.length === 0) return { ...none, candidates };
	return { idNumber: supported[0], candidates, supportedBy, needsConfirmation: true };
}
