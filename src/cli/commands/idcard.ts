// `zv idcard`: read a photo of either side of a resident ID card, or check a number on its own.
import { readFileSync, writeFileSync } from 'node:fs';
import { compareWithRecord } from '../../lib/core/idcard/compare.ts';
import { todayInChina } from '../../lib/core/idcard/dates.ts';
import type { CardSide, RegistrationRecord } from '../../lib/core/idcard/fields.ts';
import { checkIdNumber } from '../../lib/core/idcard/number.ts';
import { createIdCardReader, type CardReading } from '../../lib/core/idcard/reader.ts';
import type { RegionLookup } from '../../lib/core/idcard/regions.ts';
import { nodeRuntime, readStagedFile } from '../../lib/runtime/node.ts';
import { nodeRegionTable } from '../../lib/runtime/node-regions.ts';
import { encodePng } from '../../lib/runtime/node-image.ts';
import { CliError, printJson } from '../errors.ts';
import { readImageArg } from '../input.ts';

export const summary =
	'read IMG [--side portrait|emblem] [--today YYYY-MM-DD] [--portrait-out PNG] | compare IMG --record JSON | check IDNUMBER';

const usage = `usage: zv idcard read IMG [--side portrait|emblem] [--today YYYY-MM-DD] [--portrait-out PNG]
       zv idcard compare IMG --record RECORD.json   (portrait side vs {name, sex, ethnicity, birthDate, address, idNumber})
       zv idcard check IDNUMBER [--today YYYY-MM-DD]   (spaces and a lower-case x are accepted)`;

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	if (i < 0) return undefined;
	const value = args[i + 1];
	if (!value || value.startsWith('--')) throw new CliError(`${name} needs a value\n${usage}`, 2);
	args.splice(i, 2);
	return value;
}

const FIELD_ORDER = {
	portrait: ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber'],
	emblem: ['authority', 'validFrom', 'validTo']
} as const;

/** A region as printed: the label to county level where the table knows it, and how far it vouches. */
function regionJson(region: RegionLookup) {
	return { code: region.code, label: region.label, level: region.level, status: region.status };
}

/** The JSON the command prints: every field of the side present (null when unread), rounded measures. */
export function readingJson(r: CardReading): Record<string, unknown> {
	const keys = r.side ? FIELD_ORDER[r.side] : [];
	const fields = Object.fromEntries(keys.map((k) => [k, r.fields[k] ?? null]));
	const round = (v: number) => Math.round(v * 1000) / 1000;
	return {
		side: r.side,
		status: r.status,
		fields,
		confidence: Object.fromEntries(keys.map((k) => [k, round(r.confidence[k] ?? 0)])),
		checks: r.checks && {
			ok: r.checks.ok,
			needsConfirmation: r.checks.needsConfirmation,
			idNumber: r.checks.idNumber && {
				valid: r.checks.idNumber.valid,
				checksumValid: r.checks.idNumber.checksumValid,
				expectedCheck: r.checks.idNumber.expectedCheck,
				birthDate: r.checks.idNumber.birthDate,
				sex: r.checks.idNumber.sex,
				kind: r.checks.idNumber.kind,
				region: r.checks.idNumber.region && regionJson(r.checks.idNumber.region),
				repairedTo: r.checks.idNumber.repair?.idNumber ?? null
			},
			birthMatchesNumber: r.checks.birthMatchesNumber,
			sexMatchesNumber: r.checks.sexMatchesNumber,
			ethnicityKnown: r.checks.ethnicityKnown,
			expired: r.checks.expired
		},
		reasons: r.reasons,
		capture: {
			corners: r.capture.location?.corners.map((p) => [Math.round(p.x), Math.round(p.y)]) ?? null,
			wholeImage: r.capture.location?.wholeImage ?? null,
			areaFraction: round(r.capture.areaFraction),
			quality: r.capture.quality && {
				brightness: round(r.capture.quality.brightness),
				glare: round(r.capture.quality.glare),
				overexposure: round(r.capture.quality.overexposure),
				sharpness: round(r.capture.quality.sharpness)
			}
		},
		timingsMs: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)]))
	};
}

async function read(args: string[]): Promise<number> {
	const sideArg = option(args, '--side');
	if (sideArg && sideArg !== 'portrait' && sideArg !== 'emblem') {
		throw new CliError(`--side must be portrait or emblem, not "${sideArg}"`, 2);
	}
	const today = option(args, '--today') ?? todayInChina();
	const portraitOut = option(args, '--portrait-out');
	const image = await readImageArg(args[0]);
	const dictionary = new TextDecoder().decode(readStagedFile('ocr.keys').bytes);
	const reader = createIdCardReader({ runtime: nodeRuntime, dictionary, regions: nodeRegionTable() });
	const reading = await reader.read(image, { side: sideArg as CardSide | undefined, today });
	if (reading.status === 'no_card') {
		throw new CliError(`${args[0]}: no ID card found (${reading.reasons.map((r) => r.en).join('; ')})`, 4);
	}
	if (portraitOut && reading.portrait) writeFileSync(portraitOut, await encodePng(reading.portrait));
	printJson(readingJson(reading));
	return 0;
}

async function compare(args: string[]): Promise<number> {
	const recordPath = option(args, '--record');
	if (!recordPath) throw new CliError(`missing --record\n${usage}`, 2);
	let record: RegistrationRecord;
	try {
		record = JSON.parse(readFileSync(recordPath, 'utf8')) as RegistrationRecord;
	} catch {
		throw new CliError(`${recordPath}: not a readable JSON registration record`, 2);
	}
	if (typeof record.name !== 'string' || typeof record.idNumber !== 'string') {
		throw new CliError(`${recordPath}: the record needs at least "name" and "idNumber"`, 2);
	}
	const image = await readImageArg(args[0]);
	const dictionary = new TextDecoder().decode(readStagedFile('ocr.keys').bytes);
	const reader = createIdCardReader({ runtime: nodeRuntime, dictionary, regions: nodeRegionTable() });
	const reading = await reader.read(image, { side: 'portrait' });
	if (reading.status === 'no_card') {
		throw new CliError(`${args[0]}: no ID card found (${reading.reasons.map((r) => r.en).join('; ')})`, 4);
	}
	const comparison = compareWithRecord(reading.fields, record);
	printJson({ reading: readingJson(reading), comparison });
	return comparison.verdict === 'match' || comparison.verdict === 'confirm' ? 0 : 1;
}

export async function run(args: string[]): Promise<number> {
	const [sub, ...rest] = args;
	if (sub === 'read') return read(rest);
	if (sub === 'compare') return compare(rest);
	if (sub === 'check') {
		const today = option(rest, '--today') ?? todayInChina();
		if (!rest[0]) throw new CliError(`missing IDNUMBER\n${usage}`, 2);
		const { reasons, notes, region, ...check } = checkIdNumber(rest.join(''), today, nodeRegionTable());
		printJson({ ...check, region: region && regionJson(region), reasons, notes });
		return check.valid ? 0 : 1;
	}
	throw new CliError(usage, 2);
}
