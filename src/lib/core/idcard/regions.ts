// GB/T 2260 region lookup for the first six digits of an ID number. The table (regions.json) is partial:
// every province, most prefectures, a sample of counties (see its _about). Numbers also keep the code that was
// current when they were issued, so codes abolished since are still legitimate: hence strict on the province,
// lenient below it.
import table from './regions.json' with { type: 'json' };

const codes: Record<string, string> = table.codes;

export interface RegionLookup {
	/** The six digits looked up. */
	code: string;
	province: string | null;
	prefecture: string | null;
	county: string | null;
	/** How deep the table could confirm the code; 'none' means the province itself is unknown. */
	level: 'county' | 'prefecture' | 'province' | 'none';
	/** Human-readable place, e.g. "湖北省武汉市武昌区", as far as known. */
	label: string;
}

export function lookupRegion(code: string): RegionLookup {
	const province = codes[code.slice(0, 2)] ?? null;
	const prefecture = codes[code.slice(0, 4)] ?? null;
	const county = codes[code.slice(0, 6)] ?? null;
	const level = !province ? 'none' : county ? 'county' : prefecture ? 'prefecture' : 'province';
	const shownPrefecture = prefecture && prefecture !== '市辖区' && prefecture !== '县' ? prefecture : '';
	const label = [province ?? '', shownPrefecture, county ?? ''].join('');
	return { code, province, prefecture, county, level, label };
}

export function isKnownProvince(code: string): boolean {
	return code.slice(0, 2) in codes;
}

/** All county-level codes in the table (used by the synthetic card generator to pick plausible places). */
export function knownCountyCodes(): string[] {
	return Object.keys(codes).filter((c) => c.length === 6 && !c.startsWith('_'));
}
