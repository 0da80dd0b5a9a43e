// The e2e's album cards against the registration record, at scale (tests/support/idcard/e2e-candidate.ts): random
// candidates registered the way the e2e does, their cards made and read as the e2e's phone reads them, compared
// with the record. A candidate whose ID step is not a clean match would leave the e2e stuck before
// "信息一致，继续": each one is listed with the field and the reason, and the misread rate is the table.
// Run: npx tsx tests/bench/idcard-record.bench.ts
//   ZV_BENCH_RECORD_N     candidates (default 300)
//   ZV_BENCH_RECORD_SEED  first candidate seed (default 300000: the regression test's seeds came from 300000-300399,
//                         so a default run from 400000 up is the fresh tally; the issue's evaluation seed
//                         20261203 is never used here)
//   ZV_BENCH_RECORD_PRINTED=1  photographs of a printed copy of each card (the e2e's recapture test) instead of
//                         the card
import { mkdirSync, writeFileSync } from 'node:fs';
import { PRINTED_COPY } from '../e2e/support/idcard.ts';
import { candidateIdStep, readAlbumCard } from '../support/idcard/e2e-candidate.ts';
import { randomIdentity, rng } from '../support/idcard/identities.ts';
import { idCardReader } from '../support/idcard/reader.ts';

const N = Number(process.env.ZV_BENCH_RECORD_N ?? 300);
const FIRST_SEED = Number(process.env.ZV_BENCH_RECORD_SEED ?? 400_000);
const today = new Date().toISOString().slice(0, 10);
const degrade = process.env.ZV_BENCH_RECORD_PRINTED === '1' ? PRINTED_COPY : undefined;
const capture = degrade ? 'printed copies' : 'album cards';

interface Stuck {
	seed: number;
	verdict: string;
	status: Record<string, string>;
	fields: { field: string; status: string; card: string | null; record: string | null }[];
	reasons: string[];
}

async function main() {
	await idCardReader.warmUp();
	const t0 = performance.now();
	const emblem = await readAlbumCard('emblem', randomIdentity(rng(FIRST_SEED)), today, degrade);
	const stuck: Stuck[] = [];
	/** Candidates per field that is not a match, and per reason code. */
	const perField: Record<string, number> = {};
	const perReason: Record<string, number> = {};
	for (let i = 0; i < N; i++) {
		const seed = FIRST_SEED + i;
		const { readings, summary, clean } = await candidateIdStep(seed, today, emblem, degrade);
		if ((i + 1) % 25 === 0) console.error(`  ${i + 1}/${N} candidates, ${stuck.length} stuck so far`);
		if (clean) continue;
		const fields = summary.comparison.fields
			.filter((f) => f.status !== 'match')
			.map(({ field, status, card, record }) => ({ field, status, card, record }));
		for (const f of fields) perField[f.field] = (perField[f.field] ?? 0) + 1;
		for (const r of summary.reasons) perReason[r.code] = (perReason[r.code] ?? 0) + 1;
		const entry: Stuck = {
			seed,
			verdict: summary.comparison.verdict,
			status: { portrait: readings.portrait!.status, emblem: readings.emblem!.status },
			fields,
			reasons: summary.reasons.map((r) => `${r.code}: ${r.en}`)
		};
		stuck.push(entry);
		console.error(`  stuck ${JSON.stringify(entry)}`);
	}
	const minutes = (performance.now() - t0) / 60000;
	const rate = stuck.length / N;
	console.log(
		`\nE2E ${capture} vs the record, seeds ${FIRST_SEED}-${FIRST_SEED + N - 1}: ${stuck.length}/${N} candidates not a clean match (${(100 * rate).toFixed(1)} %)`
	);
	console.log(`fields not a match: ${JSON.stringify(perField)}; reasons: ${JSON.stringify(perReason)}`);
	for (const s of stuck)
		console.log(
			`  seed ${s.seed}: ${s.verdict}; ${s.fields.map((f) => `${f.field} ${f.status}, card "${f.card}", record "${f.record}"`).join('; ')} [${s.reasons.join(' | ')}]`
		);
	mkdirSync('bench/out', { recursive: true });
	writeFileSync(
		`bench/out/idcard-record${degrade ? '-printed' : ''}.json`,
		JSON.stringify(
			{
				date: new Date().toISOString(),
				firstSeed: FIRST_SEED,
				capture,
				candidates: N,
				rate,
				perField,
				perReason,
				stuck,
				minutes
			},
			null,
			2
		)
	);
	console.log(
		`${minutes.toFixed(1)} min (shared machine); wrote bench/out/idcard-record${degrade ? '-printed' : ''}.json`
	);
}

await main();
