// GB/T 2260 region lookup for the first six digits of an ID number, over the table models/stage.mjs builds from
// npm data packages (models/manifest/regions.json). The table is data, loaded by each platform (Node: runtime/
// node-regions.ts; the phone: runtime/web-staged.ts) and handed in, so this module stays pure.
// A number keeps the code that was current when it was issued, so former codes are as legitimate as current
// ones; and no historical list is complete, so a code the table does not know is "unverified", not wrong.

/** The staged file's shape (see models/transforms/regions-table.mjs). */
export interface RegionData {
	format: 1;
	about: string;
	/** Current codes: 2-digit provinces, 4-digit prefectures, 6-digit counties. */
	current: Record<string, string>;
	/** Statistical development zones listed beside the counties (county digits 71-79). */
	zones: Record<string, string>;
	/** Codes abolished or renumbered since, kept by numbers issued before the change. */
	former: Record<string, string>;
}

/** How far the table vouches for a six-digit code. */
export type RegionStatus = 'current' | 'former' | 'zone' | 'unverified';

export interface RegionLookup {
	/** The six digits looked up. */
	code: string;
	province: string | null;
	prefecture: string | null;
	county: string | null;
	status: RegionStatus;
	/** How deep the table could name the code; 'none' means the province itself is unknown. */
	level: 'county' | 'prefecture' | 'province' | 'none';
	/** Human-readable place, e.g. "湖北省武汉市武昌区", as far as known. */
	label: string;
}

export interface RegionTable {
	lookup(code: string): RegionLookup;
	/** A current province-level code (two digits). */
	isProvince(code: string): boolean;
	/** Six-digit codes of one status (the generator of synthetic cards and the repair benchmark pick from these). */
	countyCodes(status: Exclude<RegionStatus, 'unverified'>): string[];
	/** Where the table comes from (packages, versions, licences). */
	about: string;
}

/** Names that stand for a level without a place of their own ("districts under the city"): never shown. */
const PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

export function isRegionData(data: unknown): data is RegionData {
	const d = data as RegionData;
	return (
		typeof d === 'object' &&
		d !== null &&
		d.format === 1 &&
		[d.current, d.zones, d.former].every((m) => typeof m === 'object' && m !== null)
	);
}

export function regionTable(data: RegionData): RegionTable {
	const byStatus = { current: data.current, zone: data.zones, former: data.former } as const;
	const name = (code: string) => data.current[code] ?? data.zones[code] ?? data.former[code] ?? null;
	const counties = new Map<string, string[]>();
	return {
		about: data.about,
		isProvince: (code) => code.length === 2 && code in data.current,
		lookup(code) {
			const province = data.current[code.slice(0, 2)] ?? null;
			const prefecture = name(code.slice(0, 4));
			const county = name(code.slice(0, 6));
			const status: RegionStatus =
				code in data.current
					? 'current'
					: code in data.zones
						? 'zone'
						: code in data.former
							? 'former'
							: 'unverified';
			const level = !province ? 'none' : county ? 'county' : prefecture ? 'prefecture' : 'province';
			const shown = (n: string | null) => (n && !PLACEHOLDERS.has(n) ? n : '');
			const label = [province ?? '', shown(prefecture), county ?? ''].join('');
			return { code, province, prefecture, county, status, level, label };
		},
		countyCodes(status) {
			let list = counties.get(status);
			if (!list) {
				list = Object.keys(byStatus[status]).filter((c) => c.length === 6);
				counties.set(status, list);
			}
			return list;
		}
	};
}

/** Parses the staged file's bytes, refusing anything that is not the table. */
export function parseRegionTable(bytes: Uint8Array | string): RegionTable {
	const data: unknown = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
	if (!isRegionData(data)) throw new Error('idcard.regions: not a region table (format 1)');
	return regionTable(data);
}
