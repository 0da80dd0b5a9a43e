// The head of a card's address is a place the region table names (province, prefecture, county: 广西壮族自治区
// 百色市西林县…), so a glyph the recogniser got wrong there (白治区 for 自治区) or dropped (怒江族自治州 for
// 怒江傈僳族自治州, rare characters) can be put right from that closed list. Only the head is touched, only
// towards a name in the table, and only when one name is clearly closest; the rest of the address stays as read.
import type { RegionTable } from './regions.ts';
import { prefixDistance } from './text.ts';

/** Place names the table knows, by province name: each county's full label and its prefecture's. */
export interface AddressHeads {
	provinces: string[];
	byProvince: Map<string, string[]>;
}

/** Edits tolerated in a head of `length` characters: one per five, at least one. */
export const tolerance = (length: number) => Math.max(1, Math.floor(length / 5));

export function addressHeads(regions: RegionTable): AddressHeads {
	const byProvince = new Map<string, Set<string>>();
	for (const status of ['current', 'former', 'zone'] as const) {
		for (const code of regions.countyCodes(status)) {
			const place = regions.lookup(code);
			if (!place.province) continue;
			const set = byProvince.get(place.province) ?? new Set([place.province]);
			byProvince.set(place.province, set);
			set.add(place.label);
			const prefecture = regions.lookup(`${code.slice(0, 4)}00`);
			if (prefecture.label.length > place.province.length) set.add(prefecture.label);
		}
	}
	return {
		provinces: [...byProvince.keys()],
		byProvince: new Map([...byProvince].map(([p, set]) => [p, [...set]]))
	};
}

interface HeadMatch {
	head: string;
	/** Edits between the head and the address's first `read` characters. */
	distance: number;
	read: number;
}

/** How close `head` is to the start of the address, over prefixes as long as the head give or take the tolerance. */
function matchHead(head: string, address: string): HeadMatch {
	return { head, ...prefixDistance(head, address, tolerance(Array.from(head).length)) };
}

/**
 * The address with its head replaced by the closest place name: within the closest province, of the names within
 * the tolerance, those no deeper name extends (a county over its prefecture and province), the one that agrees with
 * the most characters of the card, then with the fewest edits. When two are
 * equally close (two counties a glyph apart), the deepest name both start with is taken instead, if it is close.
 * Returns the address unchanged when its head already is a name, or no name is close enough.
 */
export function correctAddressHead(address: string, heads: AddressHeads): string {
	const chars = Array.from(address);
	const close = (m: HeadMatch) => m.distance <= tolerance(Array.from(m.head).length);
	// The province first: those closest. Several can be (河南/湖南/海南 are a glyph apart, and 龙江省 is 黑龙江省
	// with its first glyph dropped or 浙江省 misread): the names under each of them then choose.
	const provinces = heads.provinces.map((p) => matchHead(p, address)).filter(close);
	const nearest = Math.min(...provinces.map((m) => m.distance));
	const candidates = provinces
		.filter((m) => m.distance === nearest)
		.flatMap((p) => heads.byProvince.get(p.head) ?? [])
		.map((h) => matchHead(h, address))
		.filter(close);
	// Ranked by the characters of the card each explains: a county one glyph off (9 characters, 8 agreeing) over
	// prefectures one glyph off only because they are shorter (滁州市, 宿州市 for 毫州市蒙城县).
	const agreeing = (m: HeadMatch) => Array.from(m.head).length - m.distance;
	const deepest = candidates
		.filter((m) => !candidates.some((o) => o.head !== m.head && o.head.startsWith(m.head)))
		.sort((a, b) => agreeing(b) - agreeing(a) || a.distance - b.distance);
	// A head that already is a name stays, however many characters a longer near-miss would explain.
	if (!deepest.length || deepest.some((m) => m.distance === 0)) return address;
	const tied = deepest.filter(
		(m) => agreeing(m) === agreeing(deepest[0]) && m.distance === deepest[0].distance
	);
	const best =
		tied.length === 1
			? tied[0]
			: candidates
					.filter((m) => tied.every((t) => t.head.startsWith(m.head)))
					.sort((a, b) => b.head.length - a.head.length)[0];
	if (!best || best.distance === 0) return address;
	return best.head + chars.slice(best.read).join('');
}
