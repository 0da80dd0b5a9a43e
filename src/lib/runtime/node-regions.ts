// The staged region table in Node (tests, CLI, server), read and checked once per process.
import { parseRegionTable, type RegionTable } from '../core/idcard/regions.ts';
import { readStagedFile } from './node-staged.ts';

let table: RegionTable | null = null;

export function nodeRegionTable(): RegionTable {
	table ??= parseRegionTable(readStagedFile('idcard.regions').bytes);
	return table;
}
