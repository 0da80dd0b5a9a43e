// The issuing authority is a police bureau named after places the region table knows: a prefecture's or a
// municipality's bureau and its county branch (淮安市公安局盱眙县分局, 北京市公安局海淀分局) or a county's own bureau
// (新星市公安局). A glyph the recogniser got wrong in a place name (盱胎 for 盱眙) or a stray character at its
// edge (a 关 left from the label, a colon) is put right from that closed list: only towards a name in the table,
// only when one name is clearly closest; anything that is not of that shape stays as read.
import { tolerance } from './address-head.ts';
import type { RegionTable } from './regions.ts';
import { editDistance } from './text.ts';

/** Every authority the table's places give: each bureau alone and each bureau with each of its branches. */
export interface AuthorityNames {
	names: Set<string>;
	/** The same names by length in characters, for the near ones. */
	byLength: Map<number, string[]>;
}

/** Prefecture-level names that stand for "directly under" and name no bureau. */
const NO_BUREAU = new Set(['省直辖县级行政区划', '自治区直辖县级行政区划']);
/** A municipality's districts and counties are grouped under these: their bureau is the municipality's. */
const MUNICIPAL = new Set(['市辖区', '县']);
const BUREAU = '公安局';
const BRANCH = '分局';

/** 海淀区 -> 海淀: a municipality's bureau names its district branches without the suffix. */
function shortName(county: string): string | null {
	const chars = Array.from(county);
	return chars.length >= 3 && /[区县]$/.test(county) ? chars.slice(0, -1).join('') : null;
}

export function authorityNames(regions: RegionTable): AuthorityNames {
	const names = new Set<string>();
	for (const status of ['current', 'former', 'zone'] as const) {
		for (const code of regions.countyCodes(status)) {
			const { province, prefecture, county } = regions.lookup(code);
			if (!province || !county) continue;
			names.add(province + BUREAU);
			names.add(county + BUREAU);
			if (prefecture && NO_BUREAU.has(prefecture)) continue;
			const parent = prefecture && !MUNICIPAL.has(prefecture) ? prefecture : province;
			names.add(parent + BUREAU);
			names.add(parent + BUREAU + county + BRANCH);
			const short = parent === province ? shortName(county) : null;
			if (short) names.add(parent + BUREAU + short + BRANCH);
		}
	}
	const byLength = new Map<number, string[]>();
	for (const name of names) {
		const n = Array.from(name).length;
		byLength.set(n, [...(byLength.get(n) ?? []), name]);
	}
	return { names, byLength };
}

const NOT_CJK = /[^\u3400-\u9fff]/gu;

/**
 * The authority as read, without the punctuation and Latin characters no authority prints, put right to the one
 * authority of the table's places within the tolerance of edits (one per five characters) that is closer than
 * every other; as read (cleaned) when it already is one, or none is clearly closest.
 */
export function correctAuthority(read: string, names: AuthorityNames): string {
	const text = read.replace(NOT_CJK, '');
	if (names.names.has(text)) return text;
	const n = Array.from(text).length;
	let best: string | null = null;
	let bestDistance = Infinity;
	let tied = false;
	for (let len = Math.max(1, n - tolerance(n) - 1); len <= n + tolerance(n) + 1; len++) {
		for (const name of names.byLength.get(len) ?? []) {
			const d = editDistance(text, name);
			if (d > tolerance(len)) continue;
			if (d < bestDistance) {
				best = name;
				bestDistance = d;
				tied = false;
			} else if (d === bestDistance && name !== best) tied = true;
		}
	}
	return best && !tied ? best : text;
}
