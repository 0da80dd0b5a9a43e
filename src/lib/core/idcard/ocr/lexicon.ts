// Lexicon-constrained reading: when a field can only take a few values (the 56 ethnicities), score each
// value against the recogniser's per-step probabilities with the CTC forward algorithm and take the best.
// This recovers values the greedy decoder drops (it emits nothing for 傈僳 on some photos) without ever
// inventing a value the model gives little probability to.

/** log P(label | probs) under CTC, probs being steps x classes softmax outputs, class 0 = blank. */
export function ctcLogLikelihood(
	probs: Float32Array,
	steps: number,
	classes: number,
	label: readonly number[]
): number {
	const ext: number[] = [0];
	for (const c of label) ext.push(c, 0);
	const S = ext.length;
	const NEG = -Infinity;
	const logAdd = (a: number, b: number) =>
		a === NEG ? b : b === NEG ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
	let alpha = new Array<number>(S).fill(NEG);
	const lp = (t: number, c: number) => Math.log(Math.max(probs[t * classes + c], 1e-12));
	alpha[0] = lp(0, ext[0]);
	if (S > 1) alpha[1] = lp(0, ext[1]);
	for (let t = 1; t < steps; t++) {
		const next = new Array<number>(S).fill(NEG);
		for (let s = 0; s < S; s++) {
			let a = alpha[s];
			if (s >= 1) a = logAdd(a, alpha[s - 1]);
			if (s >= 2 && ext[s] !== 0 && ext[s] !== ext[s - 2]) a = logAdd(a, alpha[s - 2]);
			next[s] = a === NEG ? NEG : a + lp(t, ext[s]);
		}
		alpha = next;
	}
	return S > 1 ? logAdd(alpha[S - 1], alpha[S - 2]) : alpha[S - 1];
}

export interface LexiconMatch {
	value: string;
	/** Per-character geometric-mean probability of the best value (comparable across lengths). */
	score: number;
	/** Margin over the runner-up in the same units (log per character). */
	margin: number;
}

/**
 * Best value of `lexicon` for a line's probabilities, each value also tried behind `prefix` (a label the
 * detector may have merged into the same box). Returns null when a value's characters are not in the dictionary.
 */
export function bestLexiconMatch(
	probs: Float32Array,
	steps: number,
	classes: number,
	lexicon: readonly string[],
	dictionary: readonly string[],
	prefix = ''
): LexiconMatch | null {
	const index = new Map<string, number>();
	dictionary.forEach((ch, i) => index.set(ch, i + 1));
	const scored: { value: string; perChar: number }[] = [];
	for (const value of lexicon) {
		for (const text of prefix ? [value, prefix + value] : [value]) {
			const label = Array.from(text).map((ch) => index.get(ch));
			if (label.some((c) => c === undefined) || label.length > steps) continue;
			const ll = ctcLogLikelihood(probs, steps, classes, label as number[]);
			scored.push({ value, perChar: ll / label.length });
		}
	}
	scored.sort((a, b) => b.perChar - a.perChar);
	const best = scored[0];
	if (!best) return null;
	const runnerUp = scored.find((s) => s.value !== best.value);
	return {
		value: best.value,
		score: Math.exp(best.perChar),
		margin: runnerUp ? best.perChar - runnerUp.perChar : Infinity
	};
}

/**
 * The one value of `lexicon` that `read` can only be a misread of because the recogniser cannot emit some of its
 * characters (仫 of 仫佬 is not in PP-OCR's dictionary): as long as the read, every character the recogniser can
 * emit equal to the read one, the others read as whatever stood in for them, or dropped (佬 for 仫佬: the
 * recogniser emitted nothing for the glyph it does not know). Null when no value or several fit.
 */
export function matchUnreadable(
	read: string,
	lexicon: readonly string[],
	canEmit: (ch: string) => boolean
): string | null {
	const chars = Array.from(read);
	const fits = lexicon.filter((value) => {
		const v = Array.from(value);
		if (!v.some((ch) => !canEmit(ch))) return false;
		const standIns = v.length === chars.length && v.every((ch, i) => !canEmit(ch) || ch === chars[i]);
		return standIns || v.filter(canEmit).join('') === read;
	});
	return fits.length === 1 ? fits[0] : null;
}
