// SVG of each card side, rendered by librsvg (through sharp) with the system's Noto CJK fonts.
import type { Identity, Rng } from './identities.ts';
import {
	addressLines,
	authorityLines,
	CARD_H,
	CARD_W,
	DIGITS,
	LABEL_COLOR,
	PORTRAIT_BOX,
	SANS
} from './layout.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(
	x: number,
	y: number,
	s: string,
	size: number,
	opts: { color?: string; font?: string; weight?: string; spacing?: number } = {}
): string {
	return `<text x="${x}" y="${y}" font-family="${opts.font ?? SANS}" font-size="${size}" font-weight="${opts.weight ?? 'normal'}" fill="${opts.color ?? '#111'}" letter-spacing="${opts.spacing ?? 0}">${esc(s)}</text>`;
}

/** Background: pale green-blue paper with guilloche waves, rounded corners like the real card. */
function background(r: Rng, emblem: boolean): string {
	const waves: string[] = [];
	for (let k = 0; k < 14; k++) {
		const amp = 8 + r() * 18;
		const period = 60 + r() * 90;
		const y0 = 20 + k * 38 + r() * 10;
		let d = `M0 ${y0.toFixed(1)}`;
		for (let x = 10; x <= CARD_W; x += 10)
			d += ` L${x} ${(y0 + amp * Math.sin((x / period) * 2 * Math.PI + k)).toFixed(1)}`;
		waves.push(
			`<path d="${d}" stroke="${emblem ? '#c9d9c3' : '#c3d6e4'}" stroke-width="1.2" fill="none" opacity="0.8"/>`
		);
	}
	return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="${emblem ? '#eef3e6' : '#eaf2f4'}"/><stop offset="1" stop-color="${emblem ? '#e3ecdc' : '#dde9f1'}"/></linearGradient>
<clipPath id="card"><rect width="${CARD_W}" height="${CARD_H}" rx="32" ry="32"/></clipPath></defs>
<g clip-path="url(#card)"><rect width="${CARD_W}" height="${CARD_H}" fill="url(#bg)"/>${waves.join('')}</g>`;
}

/**
 * Print registration: cards are printed a little off the template (about a millimetre either way), so a reader
 * tuned on exact positions meets text where it did not expect it. Returns the opening of a shifted group.
 */
function registration(r: Rng): string {
	return `<g transform="translate(${((r() - 0.5) * 24).toFixed(1)} ${((r() - 0.5) * 16).toFixed(1)})">`;
}

/** Print details fixed by a test instead of drawn at random. */
export interface PrintOptions {
	/** Letter spacing of the number in card pixels (3-7; 7 ends it at ~810 of 856 px). */
	numberSpacing?: number;
	/** Leave the sex's value unprinted, as on a card whose print there has worn off. */
	sexWornOff?: boolean;
}

export function portraitSvg(id: Identity, r: Rng, print: PrintOptions = {}): string {
	const [y, m, d] = id.birthDate.split('-').map(Number);
	const parts: string[] = [background(r, false), registration(r)];
	const L = (x: number, yy: number, s: string) => text(x, yy, s, 24, { color: LABEL_COLOR, spacing: 6 });
	const V = (x: number, yy: number, s: string) => text(x, yy, s, 28);
	parts.push(L(70, 105, '姓名'), V(170, 105, id.name));
	parts.push(L(70, 160, '性别'), L(300, 160, '民族'), V(400, 160, id.ethnicity));
	if (!print.sexWornOff) parts.push(V(170, 160, id.sex));
	parts.push(L(70, 215, '出生'), V(170, 215, String(y)), L(250, 215, '年'));
	parts.push(V(295, 215, String(m)), L(335, 215, '月'), V(378, 215, String(d)), L(418, 215, '日'));
	parts.push(L(70, 270, '住址'));
	addressLines(id.address).forEach((line, i) => parts.push(V(170, 270 + i * 40, line)));
	parts.push(
		L(70, 460, '公民身份号码'),
		// The number's pitch varies between print runs and printers: it ends between ~710 and ~800 px.
		text(290, 462, id.idNumber, 34 + r() * 3, {
			font: DIGITS,
			spacing: print.numberSpacing ?? 3 + r() * 4,
			weight: 'bold'
		}),
		'</g>'
	);
	// A faint placeholder where the photo goes (overdrawn when a face is printed).
	const p = PORTRAIT_BOX;
	parts.push(
		`<rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" fill="#f1f4f6" opacity="0.35"/>`
	);
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_W}" height="${CARD_H}">${parts.join('\n')}</svg>`;
}

/** A stand-in emblem (not the national emblem itself): red disc, gold stars, like its footprint on the card. */
function emblem(): string {
	const star = (cx: number, cy: number, rr: number) => {
		const pts: string[] = [];
		for (let i = 0; i < 10; i++) {
			const a = -Math.PI / 2 + (i * Math.PI) / 5;
			const rad = i % 2 === 0 ? rr : rr * 0.4;
			pts.push(`${(cx + rad * Math.cos(a)).toFixed(1)},${(cy + rad * Math.sin(a)).toFixed(1)}`);
		}
		return `<polygon points="${pts.join(' ')}" fill="#f4c430"/>`;
	};
	return `<circle cx="140" cy="150" r="82" fill="#c8102e"/><circle cx="140" cy="150" r="70" fill="none" stroke="#f4c430" stroke-width="5"/>${star(140, 130, 30)}${star(100, 170, 10)}${star(180, 170, 10)}`;
}

export function emblemSvg(id: Identity, r: Rng): string {
	const parts: string[] = [background(r, true), emblem(), registration(r)];
	parts.push(text(262, 130, '中华人民共和国', 46, { weight: 'bold', spacing: 10 }));
	parts.push(text(280, 235, '居民身份证', 70, { weight: 'bold', spacing: 22 }));
	// A long authority wraps to a second line under the first, and the validity moves down to make room.
	const authority = authorityLines(id.authority);
	parts.push(text(150, 420, '签发机关', 24, { color: '#111', spacing: 4 }));
	authority.forEach((line, i) => parts.push(text(290, 420 + i * 34, line, 28)));
	const validityY = authority.length > 1 ? 492 : 480;
	const to = id.validTo === '长期' ? '长期' : id.validTo.replace(/-/g, '.');
	parts.push(
		text(150, validityY, '有效期限', 24, { color: '#111', spacing: 4 }),
		text(290, validityY, `${id.validFrom.replace(/-/g, '.')}-${to}`, 28),
		'</g>'
	);
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_W}" height="${CARD_H}">${parts.join('\n')}</svg>`;
}
