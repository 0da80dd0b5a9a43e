// Builds the ID number region table (GB/T 2260 codes with names) from the data packages listed in
// models/manifest/regions.json. Each source has a role: "current:<level>" (the newest official division,
// every code in it current), "former:<level>" (older editions and historical lists: a code in them that is
// not current is a former code, which numbers issued before the change keep for life). The output:
//   { format, current: {code: name}, zones: {code: name}, former: {code: name} }
// with 2-digit province, 4-digit prefecture and 6-digit county codes in each map. `zones` are the statistical
// development zones (county digits 71-79) that the statistics bureau lists beside the counties.

const PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** Rows of {code, name} out of any source's shape, codes cut to their meaningful length. */
function rows(bytes, role) {
	const text = new TextDecoder().decode(bytes);
	let data;
	if (text.trimStart().startsWith('(function')) {
		const module = { exports: {} };
		new Function('module', 'exports', text)(module, module.exports);
		data = module.exports;
	} else data = JSON.parse(text);
	const list = Array.isArray(data)
		? data.map((r) => ({ code: r.code ?? r.c, name: r.name ?? r.n }))
		: Object.entries(data).map(([code, v]) => ({
				code: typeof v === 'string' ? code : (v.code ?? code),
				name: typeof v === 'string' ? v : v.text
			}));
	const level = role.split(':')[1];
	const cut = (code) => {
		const c = String(code);
		if (level === 'provinces') return c.slice(0, 2);
		if (level === 'cities') return c.slice(0, 4);
		if (level === 'areas') return c;
		// Mixed lists (one map of every level): length by trailing zeros.
		return c.endsWith('0000') ? c.slice(0, 2) : c.endsWith('00') ? c.slice(0, 4) : c;
	};
	return list
		.filter((r) => /^\d{2}(\d{2}(\d{2})?)?(0{2}){0,2}$/.test(String(r.code)) && r.name)
		.map((r) => ({ code: cut(r.code), name: String(r.name).trim() }));
}

const isZone = (code) => code.length === 6 && Number(code.slice(4)) >= 71 && Number(code.slice(4)) <= 79;
const sorted = (map) => Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));

export default function regionsTable(buffers, entry) {
	const current = new Map();
	const zones = new Map();
	const former = new Map();
	// Current sources first, so former names never overwrite a current one.
	const order = entry.sources
		.map((s, i) => i)
		.sort((a, b) => {
			const rank = (i) => (entry.sources[i].role.startsWith('current') ? 0 : 1);
			return rank(a) - rank(b);
		});
	for (const i of order) {
		const { role } = entry.sources[i];
		for (const { code, name } of rows(buffers[i], role)) {
			if (role.startsWith('current')) {
				(isZone(code) ? zones : current).set(code, name);
			} else if (!current.has(code) && !zones.has(code) && !former.has(code)) {
				// A placeholder is a label gap, not a place: it never becomes a former county. Provinces have not
				// changed since 1988 (the current list has them all), so a "former" province is a source's oddity.
				if ((code.length === 6 && PLACEHOLDERS.has(name)) || code.length === 2) continue;
				former.set(code, name);
			}
		}
	}
	const counties = [...current.keys()].filter((c) => c.length === 6).length;
	if (counties < 2800) throw new Error(`regions: only ${counties} current county-level codes`);
	const table = {
		format: 1,
		about:
			'GB/T 2260 administrative division codes for ID numbers, built by models/stage.mjs from ' +
			[...new Set(entry.sources.map((s) => `${s.package}@${s.version} (${s.license})`))].join(', '),
		current: sorted(current),
		zones: sorted(zones),
		former: sorted(former)
	};
	return new TextEncoder().encode(JSON.stringify(table));
}
