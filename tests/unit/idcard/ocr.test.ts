import { describe, expect, it } from 'vitest';
import {
	bestLexiconMatch,
	ctcLogLikelihood,
	matchUnreadable
} from '../../../src/lib/core/idcard/ocr/lexicon.ts';
import { ctcDecode, parseDictionary } from '../../../src/lib/core/idcard/ocr/recognize.ts';
import { boxesFromMap, DEFAULT_DETECT } from '../../../src/lib/core/idcard/ocr/detect.ts';
import {
	guessSide,
	isNameCharacter,
	parseEmblem,
	parsePortrait,
	type OcrLine
} from '../../../src/lib/core/idcard/parse.ts';

const dictionary = parseDictionary('汉\n回\n傈\n僳\n民\n族\n');
const classes = dictionary.length + 1; // + blank

/** Probabilities for a path of class indices, `p` on the chosen class and the rest spread evenly. */
function path(classesPath: number[], p = 0.9): Float32Array {
	const out = new Float32Array(classesPath.length * classes).fill((1 - p) / (classes - 1));
	classesPath.forEach((c, t) => (out[t * classes + c] = p));
	return out;
}

describe('CTC', () => {
	it('greedy-decodes by collapsing repeats and dropping blanks', () => {
		const probs = path([0, 3, 3, 0, 4, 0, 0]);
		expect(ctcDecode(probs, 7, classes, dictionary).text).toBe('傈僳');
		expect(ctcDecode(path([1, 0, 1]), 3, classes, dictionary).text).toBe('汉汉');
		expect(parseDictionary('a\nb\n')).toEqual(['a', 'b', ' ']);
	});

	it('scores the true label higher than others, and a lexicon recovers a value greedy decoding misses', () => {
		const probs = path([0, 3, 3, 0, 4, 0]);
		const good = ctcLogLikelihood(probs, 6, classes, [3, 4]);
		const bad = ctcLogLikelihood(probs, 6, classes, [1]);
		expect(good).toBeGreaterThan(bad);
		// Weak evidence: every step is mostly blank, so greedy decoding emits nothing...
		const weak = new Float32Array(6 * classes).fill(0.02);
		for (let t = 0; t < 6; t++) weak[t * classes] = 0.6;
		weak[1 * classes + 3] = 0.3;
		weak[3 * classes + 4] = 0.3;
		expect(ctcDecode(weak, 6, classes, dictionary).text).toBe('');
		// ...but among the allowed values, 傈僳 is clearly the likeliest.
		const m = bestLexiconMatch(weak, 6, classes, ['汉', '回', '傈僳'], dictionary);
		expect(m?.value).toBe('傈僳');
		expect(m?.margin).toBeGreaterThan(0);
	});

	it('reads only the characters a field may hold when told them: the next likeliest in place of a barred one', () => {
		const latin = parseDictionary('T\n丁\n思\n平\n');
		const n = latin.length + 1;
		// T at 0.5 over 丁 at 0.4, then 思 and 平: greedy reads T思平.
		const probs = new Float32Array(5 * n).fill(0.01);
		const at = (t: number, c: number, p: number) => (probs[t * n + c] = p);
		at(0, 1, 0.5);
		at(0, 2, 0.4);
		at(1, 0, 0.9);
		at(2, 3, 0.9);
		at(3, 0, 0.9);
		at(4, 4, 0.9);
		expect(ctcDecode(probs, 5, n, latin).text).toBe('T思平');
		expect(ctcDecode(probs, 5, n, latin, isNameCharacter).text).toBe('丁思平');
		// The blank second to the T, 丁 far behind: the character printed there is still read, not dropped.
		at(0, 0, 0.45);
		at(0, 2, 0.04);
		expect(ctcDecode(probs, 5, n, latin, isNameCharacter).text).toBe('丁思平');
		expect(['丁', '·', '䶮', '𠀋'].every(isNameCharacter)).toBe(true);
		expect(['T', '1', '-', '一'.repeat(2)].some(isNameCharacter)).toBe(false);
	});
});

describe('DB box post-processing', () => {
	it('turns each blob of the probability map into one grown box', () => {
		const w = 40;
		const h = 20;
		const map = new Float32Array(w * h);
		for (let y = 5; y < 9; y++) for (let x = 3; x < 15; x++) map[y * w + x] = 0.9;
		for (let y = 12; y < 16; y++) for (let x = 20; x < 38; x++) map[y * w + x] = 0.8;
		const boxes = boxesFromMap(map, w, h, DEFAULT_DETECT);
		expect(boxes).toHaveLength(2);
		expect(boxes[0].x).toBeLessThan(3);
		expect(boxes[0].width).toBeGreaterThan(12);
	});
});

const line = (x: number, y: number, w: number, text: string): OcrLine => ({
	box: { x, y, width: w, height: 30 },
	text,
	confidence: 0.99
});

describe('field parsing', () => {
	it('parses a portrait side whose labels and values come as separate or merged boxes', () => {
		const lines = [
			line(70, 80, 60, '姓名'),
			line(170, 80, 60, '张伟'),
			line(70, 135, 160, '性别男'),
			line(300, 135, 60, '民族'),
			line(400, 135, 40, '汉'),
			line(70, 190, 370, '出生1988年8月15日'),
			line(70, 245, 60, '住址'),
			line(170, 245, 300, '湖北省武汉市武昌区中南'),
			line(170, 285, 200, '路99号3栋'),
			line(600, 200, 100, '噪声'), // in the portrait area: ignored
			line(70, 440, 170, '公民身份号码'),
			line(290, 440, 420, '42010619880815321X')
		];
		const p = parsePortrait(lines, 856, 540);
		expect(p.fields).toEqual({
			name: '张伟',
			sex: '男',
			ethnicity: '汉',
			birthDate: '1988-08-15',
			address: '湖北省武汉市武昌区中南路99号3栋',
			idNumber: '42010619880815321X'
		});
		expect(guessSide(lines)).toBe('portrait');
	});

	it('reads a dash in the name as 一 (a name has no dashes)', () => {
		for (const dash of ['—', '-', '－', '一'])
			expect(
				parsePortrait([line(70, 80, 60, '姓名'), line(170, 80, 60, `徐${dash}`)], 856, 540).fields.name
			).toBe('徐一');
	});

	it('reads the ethnicity when the 民族 label is misread and merged with its value (blurred cards)', () => {
		const lines = [
			line(70, 80, 60, '姓名'),
			line(170, 80, 60, '李雷'),
			line(70, 135, 65, '性制'),
			line(160, 135, 40, '女'),
			line(294, 135, 141, '民旗汉')
		];
		const p = parsePortrait(lines, 856, 540);
		expect(p.fields.sex).toBe('女');
		expect(p.fields.ethnicity).toBe('汉');
		expect(p.sources.ethnicity?.map((l) => l.text)).toEqual(['民旗汉']);
	});

	it('reads a character once when two overlapping boxes both read it (a date split as 1960年7月9 + 9日)', () => {
		// The lines the reader found on a generated card (tests/node/idcard/reader.test.ts: a masked address and
		// a still photo's face): the detector split the birth date, and both crops read the 9 under the overlap.
		const at = (x: number, y: number, width: number, height: number, text: string): OcrLine => ({
			box: { x, y, width, height },
			text,
			confidence: 0.97
		});
		const lines = [
			at(71, 81, 65, 33, '姓名'),
			at(175, 77, 90, 37, '吕娜梓'),
			at(71, 136, 66, 33, '性别'),
			at(173, 133, 37, 36, '男'),
			at(300, 132, 143, 39, '民族汉'),
			at(74, 190, 63, 35, '出生'),
			at(174.7, 192.1, 232.4, 28.3, '1960年7月9'),
			at(394.2, 194.8, 56.9, 25.4, '9日'),
			at(72.6, 246.2, 64.7, 33, '住址'),
			at(172.2, 236.4, 233.4, 46.1, '辽宁省大连市****'),
			at(76, 438, 179, 31, '公民身份号码'),
			at(299, 435, 509, 32, '210202196007090230')
		];
		const p = parsePortrait(lines, 856, 540);
		expect(p.fields.birthDate).toBe('1960-07-09');
		expect(p.fields.address).toBe('辽宁省大连市****');
		// Two glyphs that only touch are both kept (e.g. 1988 split as 198 + 8 with boxes a pixel apart).
		const touching = parsePortrait(
			[at(74, 190, 63, 35, '出生'), at(174, 192, 90, 28, '198'), at(263, 192, 150, 28, '8年8月15日')],
			856,
			540
		);
		expect(touching.fields.birthDate).toBe('1988-08-15');
	});

	it('parses the emblem side, 长期 included, and trims a part-character read from an overlapping box', () => {
		const lines = [
			line(260, 90, 380, '中华人民共和国'),
			line(280, 180, 430, '居民身份证'),
			line(150, 400, 148, '签发机关面'),
			line(286, 400, 300, '南京市公安局鼓楼区分局'),
			line(150, 460, 115, '有效期限'),
			line(290, 460, 220, '2012.05.06-长期')
		];
		expect(parseEmblem(lines).fields).toEqual({
			authority: '南京市公安局鼓楼区分局',
			validFrom: '2012-05-06',
			validTo: '长期'
		});
		expect(guessSide(lines)).toBe('emblem');
	});
});

describe('a lexicon value with a character the recogniser cannot emit', () => {
	const emits = (ch: string) => ch !== '仫';
	const lexicon = ['汉', '仫佬', '仡佬', '壮'];

	it('is the read whose other characters all match, whatever stood in for the unreadable one', () => {
		expect(matchUnreadable('么佬', lexicon, emits)).toBe('仫佬');
		expect(matchUnreadable('亿佬', lexicon, emits)).toBe('仫佬');
	});

	it('is the read with the unreadable character dropped (佬 for 仫佬: nothing emitted for 仫)', () => {
		expect(matchUnreadable('佬', lexicon, emits)).toBe('仫佬');
		// 仡佬 can be read whole: a read of it with 仡 dropped is no value this way.
		expect(matchUnreadable('佬', ['仡佬'], emits)).toBeNull();
	});

	it('is not a read that differs anywhere the recogniser could read, or has another length', () => {
		expect(matchUnreadable('么族', lexicon, emits)).toBeNull();
		expect(matchUnreadable('么佬族', lexicon, emits)).toBeNull();
		// Values the recogniser can read whole are never matched this way (a lexicon re-read handles them).
		expect(matchUnreadable('汉', lexicon, emits)).toBeNull();
	});

	it('is nothing when two values fit', () => {
		expect(matchUnreadable('么佬', [...lexicon, '仫僚'], (ch) => !['仫', '僚'].includes(ch))).toBeNull();
	});
});
