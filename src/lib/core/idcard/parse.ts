// Turns OCR'd lines on a rectified card into fields, by the card's labels first and its layout second.
// Lines are grouped into rows; each row's text (left to right) is matched against the printed labels, so a
// label and its value may come as one detected line or several.
import type { Box } from '../image/types.ts';
import { parseLooseDate } from './dates.ts';
import type { CardSide, EmblemFields, PortraitFields } from './fields.ts';
import { normalizeIdText } from './repair.ts';
import { parseValidity } from './validity.ts';

export interface OcrLine {
	/** Box in rectified-card pixels. */
	box: Box;
	text: string;
	confidence: number;
	/** The text is a printed label known from the box's place on the card (not recognised; no confidence). */
	fromLayout?: boolean;
}

/** The lines a field was read from (so a caller can re-read them, e.g. against a lexicon). */
export type FieldSources<F> = Partial<Record<keyof F, OcrLine[]>>;

export interface ParsedSide<F> {
	fields: F;
	/** Mean OCR confidence of the lines each field came from (0 when the field was not read). */
	confidence: Record<keyof F, number>;
	/** Labels that were seen: how sure we are this is that side of a card. */
	labelsFound: string[];
	sources: FieldSources<F>;
}

/** The portrait area on a rectified card, as fractions of its width/height (text there is not a field). */
export const PORTRAIT_AREA = { x0: 0.62, x1: 0.95, y0: 0.1, y1: 0.78 };

interface Row {
	lines: OcrLine[];
	text: string;
	cy: number;
	confidence: number;
}

const compact = (s: string) => s.replace(/\s+/g, '');

function rows(lines: OcrLine[]): Row[] {
	const sorted = [...lines].sort((a, b) => a.box.y + a.box.height / 2 - (b.box.y + b.box.height / 2));
	const heights = sorted.map((l) => l.box.height).sort((a, b) => a - b);
	const tol = (heights[Math.floor(heights.length / 2)] ?? 20) * 0.5;
	const groups: OcrLine[][] = [];
	for (const line of sorted) {
		const cy = line.box.y + line.box.height / 2;
		const last = groups[groups.length - 1];
		const lastCy = last ? last.reduce((a, l) => a + l.box.y + l.box.height / 2, 0) / last.length : -Infinity;
		if (last && Math.abs(cy - lastCy) <= tol) last.push(line);
		else groups.push([line]);
	}
	return groups.map((g) => {
		const lines = trimOverlaps(g.sort((a, b) => a.box.x - b.box.x));
		// Labels placed by layout were not recognised: they say nothing about how sure the reading is.
		const read = lines.filter((l) => !l.fromLayout);
		const chars = read.reduce((a, l) => a + Array.from(l.text).length, 0) || 1;
		return {
			lines,
			text: compact(lines.map((l) => l.text).join('')),
			cy: lines.reduce((a, l) => a + l.box.y + l.box.height / 2, 0) / lines.length,
			confidence: read.reduce((a, l) => a + l.confidence * Array.from(l.text).length, 0) / chars
		};
	});
}

/**
 * When two boxes of a row overlap, the left one's crop includes the start of the right one, and OCR reads a
 * spurious part-character (签发机关 + 面 from 南); drop the left line's trailing characters under the overlap.
 */
function trimOverlaps(lines: OcrLine[]): OcrLine[] {
	return lines.map((line, i) => {
		const next = lines[i + 1];
		const chars = Array.from(line.text);
		if (!next || chars.length < 2) return line;
		const overlap = line.box.x + line.box.width - next.box.x;
		if (overlap <= 0) return line;
		// A label box that overlaps its value by a part-character: keep exactly the label (never cut into the
		// label's own characters; a label merged with a real value, like 性别男, is left to the generic rule).
		const label = LABELS.find((l) => line.text.startsWith(l));
		if (label && chars.length - Array.from(label).length <= 1) return { ...line, text: label };
		const charWidth = line.box.width / chars.length;
		let drop = Math.min(chars.length - 1, Math.floor(overlap / charWidth + 0.5));
		// Less than half a character under the overlap, but the same character ends this box and starts the next:
		// one glyph both crops read (a date split as 1960年7月9 + 9日 would become the 99th). Boxes that merely
		// touch keep both.
		if (drop === 0 && overlap >= 0.25 * charWidth && chars[chars.length - 1] === Array.from(next.text)[0])
			drop = 1;
		return drop > 0 ? { ...line, text: chars.slice(0, chars.length - drop).join('') } : line;
	});
}

const LABELS = ['公民身份号码', '签发机关', '有效期限', '姓名', '性别', '民族', '出生', '住址'];

/** Dashes and long bars the recogniser emits for 一. */
const NAME_DASHES = /[-‐‑‒–—―−－ー]/g;

/** What a 姓名 row's text says the name is (label removed), or null when the row is not the name's. */
export function nameOfRow(lines: readonly OcrLine[]): string | null {
	const v = afterLabel(compact(lines.map((l) => l.text).join('')), '姓名');
	// A name has no dashes: a dash read there is the character 一 (徐一 read as 徐—).
	return v === null ? null : v.replace(NAME_DASHES, '一');
}

/**
 * Whether a character can be part of a name as an ID card prints it: a Han character, or the separating dot of
 * a transcribed minority name. A Latin letter or a digit read there is a misread (T for 丁).
 */
export const isNameCharacter = (ch: string) => /^[\p{Script=Han}·•・]$/u.test(ch);

/** Removes a label (allowing OCR to drop or swap one of its characters) from the start of a row's text. */
function afterLabel(text: string, label: string): string | null {
	if (text.startsWith(label)) return text.slice(label.length);
	const [a, b] = Array.from(label);
	if (label.length === 2 && (text.startsWith(a) || text.slice(1).startsWith(b)) && text.length > 2)
		return text.slice(2);
	return null;
}

const NUMBER_RE = /[0-9OIlDBSZ]{17}[0-9XxK×]/;

export function parsePortrait(
	lines: OcrLine[],
	cardWidth: number,
	cardHeight: number
): ParsedSide<PortraitFields> {
	const usable = lines.filter((l) => {
		const cx = (l.box.x + l.box.width / 2) / cardWidth;
		const cy = (l.box.y + l.box.height / 2) / cardHeight;
		const inPortrait =
			cx > PORTRAIT_AREA.x0 && cx < PORTRAIT_AREA.x1 && cy > PORTRAIT_AREA.y0 && cy < PORTRAIT_AREA.y1;
		return !inPortrait;
	});
	const rs = rows(usable);
	const fields: PortraitFields = {
		name: null,
		sex: null,
		ethnicity: null,
		birthDate: null,
		address: null,
		idNumber: null
	};
	const confidence = { name: 0, sex: 0, ethnicity: 0, birthDate: 0, address: 0, idNumber: 0 };
	const labelsFound: string[] = [];
	const sources: FieldSources<PortraitFields> = {};
	let addressRow = -1;
	let numberRow = -1;
	rs.forEach((row, i) => {
		const t = row.text;
		const numberMatch = NUMBER_RE.exec(t.replace(/公民身份(证)?号码/, ''));
		if (/公民身份|身份号码/.test(t) || (numberMatch && row.cy > cardHeight * 0.6)) {
			if (/公民身份|身份号码/.test(t)) labelsFound.push('公民身份号码');
			if (numberMatch && !fields.idNumber) {
				fields.idNumber = normalizeIdText(numberMatch[0]);
				confidence.idNumber = row.confidence;
				sources.idNumber = row.lines;
				numberRow = i;
			}
			return;
		}
		let v: string | null;
		if ((v = afterLabel(t, '姓名')) !== null && !fields.name) {
			labelsFound.push('姓名');
			fields.name = nameOfRow(row.lines) || null;
			confidence.name = v ? row.confidence : 0;
			sources.name = row.lines;
		} else if (/性别|民族/.test(t) || (v = afterLabel(t, '性别')) !== null) {
			labelsFound.push('性别');
			const sex = /男|女/.exec(t.replace(/^性别/, ''));
			if (sex) {
				fields.sex = sex[0] as '男' | '女';
				confidence.sex = row.confidence;
			}
			// The ethnicity is whatever stands right of the 民族 label (or in the label's own box, merged).
			// OCR often misreads the label's 族 (旗, 康, 铁 on blurred cards) or merges label and value in one box.
			const label = row.lines.find((l) => l.text.startsWith('民') || l.text.includes('族'));
			if (label)
				sources.ethnicity = row.lines.filter(
					(l) => l === label || l.box.x > label.box.x + label.box.width * 0.5
				);
			const eth = /民族(.+)$/.exec(t) ?? /民[^族](.+)$/.exec(t.replace(/^性别?[男女]?/, ''));
			if (eth) {
				labelsFound.push('民族');
				fields.ethnicity = eth[1].replace(/[^\u4e00-\u9fff]/g, '') || null;
				confidence.ethnicity = fields.ethnicity ? row.confidence : 0;
			}
		} else if ((v = afterLabel(t, '出生')) !== null) {
			labelsFound.push('出生');
			const m = /(\d{4})\D*?(\d{1,2})\D+?(\d{1,2})/.exec(v);
			const date = m ? parseLooseDate(`${m[1]}-${m[2]}-${m[3]}`) : null;
			if (date) {
				fields.birthDate = date;
				confidence.birthDate = row.confidence;
				sources.birthDate = row.lines;
			}
		} else if ((v = afterLabel(t, '住址')) !== null) {
			labelsFound.push('住址');
			addressRow = i;
		}
	});
	if (addressRow >= 0) {
		const end = numberRow > addressRow ? numberRow : rs.length;
		const parts: string[] = [];
		const confs: number[] = [];
		for (let i = addressRow; i < end; i++) {
			const t = i === addressRow ? (afterLabel(rs[i].text, '住址') ?? '') : rs[i].text;
			if (/公民身份|身份号码/.test(t)) break;
			if (t) {
				parts.push(t);
				confs.push(rs[i].confidence);
				(sources.address ??= []).push(...rs[i].lines);
			}
		}
		fields.address = parts.join('') || null;
		confidence.address = confs.length ? Math.min(...confs) : 0;
	}
	return { fields, confidence, labelsFound, sources };
}

export function parseEmblem(lines: OcrLine[]): ParsedSide<EmblemFields> {
	const rs = rows(lines);
	const fields: EmblemFields = { authority: null, validFrom: null, validTo: null };
	const confidence = { authority: 0, validFrom: 0, validTo: 0 };
	const labelsFound: string[] = [];
	/** The authority's rows so far (two at most: a card prints it on one or two lines). */
	let authority: { text: string; confidences: number[]; lines: OcrLine[] } | null = null;
	const sources: FieldSources<EmblemFields> = {};
	let authorityOpen = false;
	for (const row of rs) {
		const t = row.text;
		if (/居民身份证/.test(t)) labelsFound.push('居民身份证');
		if (/中华人民共和国/.test(t)) labelsFound.push('中华人民共和国');
		const auth = /^签发机[关美]?(.*)$/.exec(t) ?? /^(?:签发|发机关)(.*)$/.exec(t);
		const valid = /^有效期限?(.*)$/.exec(t) ?? /^(?:效期限|期限)(.*)$/.exec(t);
		if (auth) {
			labelsFound.push('签发机关');
			authority = { text: auth[1], confidences: auth[1] ? [row.confidence] : [], lines: [...row.lines] };
			authorityOpen = true;
			continue;
		}
		// A long authority wraps: a row with no label between 签发机关 and 有效期限 is its second line.
		if (authority && authorityOpen && !valid && /[\u4e00-\u9fff]/.test(t)) {
			authority.text += t;
			authority.confidences.push(row.confidence);
			authority.lines.push(...row.lines);
			authorityOpen = authority.confidences.length < 2;
			continue;
		}
		if (valid) {
			authorityOpen = false;
			labelsFound.push('有效期限');
			const period = parseValidity(valid[1]);
			fields.validFrom = period.validFrom;
			fields.validTo = period.validTo;
			confidence.validFrom = period.validFrom ? row.confidence : 0;
			sources.validFrom = row.lines;
			confidence.validTo = period.validTo ? row.confidence : 0;
		}
	}
	if (authority?.text) {
		fields.authority = authority.text;
		confidence.authority = Math.min(...authority.confidences);
		sources.authority = authority.lines;
	}
	return { fields, confidence, labelsFound, sources };
}

/** Which side the lines look like, by the labels each side prints. */
export function guessSide(lines: OcrLine[]): CardSide | null {
	const text = compact(lines.map((l) => l.text).join('|'));
	const emblem = ['居民身份证', '签发机关', '有效期限', '中华人民共和国'].filter((k) =>
		text.includes(k)
	).length;
	const portrait =
		['姓名', '性别', '民族', '出生', '住址', '公民身份'].filter((k) => text.includes(k)).length +
		(NUMBER_RE.test(text) ? 2 : 0);
	if (emblem === 0 && portrait === 0) return null;
	return portrait >= emblem ? 'portrait' : 'emblem';
}
