// Repairs an OCR'd ID number, cautiously. A checksum catches most single misreads, but blindly "fixing" one
// can turn a misread into a valid WRONG number (one digit in eleven candidates always validates). So a repair is
// only proposed when exactly one look-alike substitution validates AND the card's own 出生/性别 fields agree with
// it, and it is always flagged for the candidate to confirm.
import { hasValidChecksum } from './number.ts';
import { isRealDate } from './dates.ts';
import { isKnownProvince } from './regions.ts';
import type { Sex } from './number.ts';

/** Characters OCR confuses with each digit (glyph look-alikes in the card's OCR-B-like digits). */
const LOOKALIKES: Record<string, string> = {
	'0': '869',
	'1': '74',
	'2': '7',
	'3': '8592',
	'4': '1',
	'5': '63',
	'6': '5803',
	'7': '12',
	'8': '30696',
	'9': '0835',
	X: ''
};

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

/** Upper-cases, drops spaces, maps full-width digits and letters that can only be digits; × / x / K at the end -> X. */
export function normalizeIdText(text: string): string {
	let t = text
		.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/[\s\-_.·]/g, '')
		.toUpperCase();
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
	/** Every look-alike substitution that validates, for transparency. */
	candidates: string[];
	/** Which card fields supported the chosen repair. */
	supportedBy: ('birthDate' | 'sex')[];
	/** Always true when idNumber is set: the candidate must confirm the corrected number. */
	needsConfirmation: boolean;
}

function plausible(id: string): boolean {
	if (!hasValidChecksum(id) || !isKnownProvince(id)) return false;
	return isRealDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)));
}

function agrees(id: string, evidence: RepairEvidence): boolean {
	const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
	if (evidence.birthDate && evidence.birthDate !== birth) return false;
	if (evidence.sex && (Number(id[16]) % 2 === 1 ? '男' : '女') !== evidence.sex) return false;
	return true;
}

/** Tries every single look-alike substitution of a well-formed but invalid number. */
export function repairIdNumber(text: string, evidence: RepairEvidence): RepairResult {
	const id = normalizeIdText(text);
	const none: RepairResult = { idNumber: null, candidates: [], supportedBy: [], needsConfirmation: false };
	if (!/^\d{17}[\dX]$/.test(id) || hasValidChecksum(id)) return none;
	const candidates: string[] = [];
	for (let i = 0; i < 18; i++) {
		const alternatives = i === 17 ? LOOKALIKES[id[i]] + (id[i] === 'X' ? '' : 'X') : LOOKALIKES[id[i]];
		for (const alt of alternatives ?? '') {
			if (i < 17 && alt === 'X') continue;
			const candidate = id.slice(0, i) + alt + id.slice(i + 1);
			if (plausible(candidate)) candidates.push(candidate);
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
