// The OCR repair of ID numbers (src/lib/core/idcard/repair.ts) over simulated single-character misreads of
// generated numbers, with the full region table and the card's printed birth date and sex as evidence.
// Misreads: look-alike confusions of the card's digits (0/6/8/9, 1/7, 3/8, 5/6, X read as K) and arbitrary
// digits, at every position. Reported per misread kind and position group: correct unique repairs, wrong
// repairs (a valid number that is not the card's: the target is none) and no repair (the candidate retakes).
//
// Usage: npx tsx tests/bench/id-repair.bench.ts [--seed N] [--numbers N]
// The default seed is the evaluation seed; tuning used TUNING_SEED only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import { isoDate } from '../../src/lib/core/idcard/dates.ts';
import { repairIdNumber } from '../../src/lib/core/idcard/repair.ts';
import { nodeRegionTable } from '../../src/lib/runtime/node-regions.ts';
import { rng, type Rng } from '../support/idcard/identities.ts';

export const TUNING_SEED = 7;
const EVALUATION_SEED = 20261203;

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) =>
	args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const seed = arg('--seed', EVALUATION_SEED);
const numbers = arg('--numbers', 4000);
const today = '2026-12-03';
const regions = nodeRegionTable();

/** What a phone's OCR confuses on the card's digits (independent of the repair's own look-alike table). */
const CONFUSIONS: Record<string, string> = {
	'0': '689',
	'6': '0895',
	'8': '0693',
	'9': '068',
	'1': '7',
	'7': '1',
	'3': '8',
	'5': '6',
	X: 'K'
};

const GROUPS: [string, number[]][] = [
	['region (1-6)', [0, 1, 2, 3, 4, 5]],
	['birth (7-14)', [6, 7, 8, 9, 10, 11, 12, 13]],
	['sequence (15-16)', [14, 15]],
	['sex digit (17)', [16]],
	['check (18)', [17]]
];

const pick = <T>(r: Rng, list: ArrayLike<T>): T => list[Math.floor(r() * list.length)];

function randomNumber(r: Rng): { id: string; birthDate: string; sex: '男' | '女' } {
	// Older numbers keep codes abolished since: a quarter of them here.
	const county = pick(r, regions.countyCodes(r() < 0.75 ? 'current' : 'former'));
	const birthDate = isoDate(1940 + Math.floor(r() * 70), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28));
	const seq = String(Math.floor(r() * 1000)).padStart(3, '0');
	const first17 = county + birthDate.replace(/-/g, '') + seq;
	return { id: first17 + checkCharacter(first17), birthDate, sex: Number(seq[2]) % 2 ? '男' : '女' };
}

interface Tally {
	misreads: number;
	correct: number;
	wrong: number;
	none: number;
	wrongExamples: string[];
}
const tally = (): Tally => ({ misreads: 0, correct: 0, wrong: 0, none: 0, wrongExamples: [] });
const results: Record<string, Record<string, Tally>> = { lookalike: {}, arbitrary: {} };

const r = rng(seed);
for (let n = 0; n < numbers; n++) {
	const truth = randomNumber(r);
	for (const [group, positions] of GROUPS) {
		for (const kind of ['lookalike', 'arbitrary'] as const) {
			const i = pick(r, positions);
			const original = truth.id[i];
			const options =
				kind === 'lookalike'
					? (CONFUSIONS[original] ?? '')
					: (i === 17 ? '0123456789X' : '0123456789').replace(original, '');
			if (!options) continue;
			const misread = truth.id.slice(0, i) + pick(r, options) + truth.id.slice(i + 1);
			const t = (results[kind][group] ??= tally());
			t.misreads++;
			const repair = repairIdNumber(
				misread,
				{ birthDate: truth.birthDate, sex: truth.sex },
				{ regions, today }
			);
			// X read as K normalises back to the card's number: no repair needed, counted as correct.
			const outcome = repair.idNumber ?? (misread.replace(/K$/, 'X') === truth.id ? truth.id : null);
			if (outcome === truth.id) t.correct++;
			else if (outcome) {
				t.wrong++;
				if (t.wrongExamples.length < 5) t.wrongExamples.push(`${truth.id} read ${misread} -> ${outcome}`);
			} else t.none++;
		}
	}
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');
console.log(
	`\nID number repair: ${numbers} generated numbers (seed ${seed}${seed === TUNING_SEED ? ', the tuning seed' : ''}), one misread per group and kind`
);
console.log('misread    position group     misreads  correct repairs  wrong repairs  no repair (retake)');
const totals: Record<string, Tally> = {};
for (const kind of Object.keys(results)) {
	const total = (totals[kind] = tally());
	for (const [group] of GROUPS) {
		const t = results[kind][group];
		if (!t) continue;
		for (const k of ['misreads', 'correct', 'wrong', 'none'] as const) total[k] += t[k];
		total.wrongExamples.push(...t.wrongExamples);
		console.log(
			`${kind.padEnd(10)} ${group.padEnd(18)} ${String(t.misreads).padStart(8)}  ${pct(t.correct, t.misreads).padStart(15)}  ${String(t.wrong).padStart(13)}  ${pct(t.none, t.misreads).padStart(18)}`
		);
	}
	console.log(
		`${kind.padEnd(10)} ${'all'.padEnd(18)} ${String(total.misreads).padStart(8)}  ${pct(total.correct, total.misreads).padStart(15)}  ${String(total.wrong).padStart(13)}  ${pct(total.none, total.misreads).padStart(18)}`
	);
}
for (const example of Object.values(totals).flatMap((t) => t.wrongExamples)) console.log(`wrong: ${example}`);

mkdirSync('bench/out', { recursive: true });
writeFileSync(
	'bench/out/id-repair.json',
	JSON.stringify(
		{
			at: new Date().toISOString(),
			seed,
			tuningSeed: TUNING_SEED,
			numbers,
			regions: regions.about,
			results,
			totals
		},
		null,
		2
	)
);
console.log('wrote bench/out/id-repair.json');
