// A benchmark's table on stdout: a title, then aligned columns (the JSON in bench/out/ carries the same figures).
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
	console.log(`\n${title}`);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (r: (string | number)[]) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const r of rows) console.log(line(r));
}
