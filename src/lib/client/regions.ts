// The region table on the phone's page: fetched from our origin when the ID step needs it (about 50 kB
// gzipped), checked against the staged manifest, parsed once.
import { parseRegionTable, type RegionTable } from '../core/idcard/regions.ts';
import { createStagedFetcher } from '../runtime/web-staged.ts';

let table: Promise<RegionTable> | null = null;

export function loadRegionTable(): Promise<RegionTable> {
	table ??= createStagedFetcher()
		.fetchVerified('idcard.regions')
		.then((bytes) => parseRegionTable(bytes));
	table.catch(() => (table = null));
	return table;
}
