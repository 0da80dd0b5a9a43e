// Finds the card in a photo and its four corners. The card is segmented from its surroundings by colour
// (distance from the frame's border colour, Otsu threshold), its outline points are split among the four
// sides of the minimum-area rectangle and a line is fitted to each side; the corners are the lines'
// intersections, so perspective is kept and the card's rounded corners do not pull them inward.
import { createImage, type Point, type RgbaImage } from '../image/types.ts';

export const CARD_ASPECT = 85.6 / 54;

export type LocateFailure = 'not_found' | 'too_far' | 'cut_off';

export interface CardLocation {
	/** TL, TR, BR, BL in the input image's pixels, the long side on top. */
	corners: Point[];
	/** Card area / image area. */
	areaFraction: number;
	/** The whole frame is the card (a scan or an album crop), no background seen. */
	wholeImage: boolean;
	/** Share of outline points lying within 2% of the fitted sides: how quadrilateral the outline is. */
	edgeFit: number;
}

export type LocateResult =
	{ ok: true; location: CardLocation } | { ok: false; failure: LocateFailure; areaFraction: number };

const WORK = 320;

/**
 * Below this share of outline points on the fitted sides, a located card is checked against the outline its edge
 * encloses: a card found cleanly has nearly all of its outline on its four sides (models/notes/idcard.md).
 */
const LOOSE_OUTLINE = 0.95;

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] ?? 0;
}

function otsu(values: Float32Array): number {
	const hist = new Float64Array(256);
	for (const v of values) hist[Math.min(255, Math.max(0, Math.round(v)))]++;
	const total = values.length;
	let sumAll = 0;
	for (let i = 0; i < 256; i++) sumAll += i * hist[i];
	let sumB = 0;
	let wB = 0;
	let best = 0;
	let threshold = 0;
	for (let t = 0; t < 256; t++) {
		wB += hist[t];
		if (wB === 0) continue;
		const wF = total - wB;
		if (wF === 0) break;
		sumB += t * hist[t];
		const mB = sumB / wB;
		const mF = (sumAll - sumB) / wF;
		const between = wB * wF * (mB - mF) ** 2;
		if (between > best) {
			best = between;
			threshold = t;
		}
	}
	return threshold;
}

function wholeImage(img: RgbaImage): CardLocation {
	return {
		corners: [
			{ x: 0, y: 0 },
			{ x: img.width, y: 0 },
			{ x: img.width, y: img.height },
			{ x: 0, y: img.height }
		],
		areaFraction: 1,
		wholeImage: true,
		edgeFit: 1
	};
}

/** 2x2 box average (what image/ops resize does before its bilinear pass when shrinking 2x or more). */
function halve(img: RgbaImage): RgbaImage {
	const w = img.width >> 1;
	const h = img.height >> 1;
	const out = createImage(w, h);
	const d = img.data;
	const o = out.data;
	const stride = img.width * 4;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const a = 2 * y * stride + 8 * x;
			const b = a + stride;
			const q = (y * w + x) * 4;
			o[q] = (d[a] + d[a + 4] + d[b] + d[b + 4] + 2) >> 2;
			o[q + 1] = (d[a + 1] + d[a + 5] + d[b + 1] + d[b + 5] + 2) >> 2;
			o[q + 2] = (d[a + 2] + d[a + 6] + d[b + 2] + d[b + 6] + 2) >> 2;
		}
	}
	return out;
}

/**
 * The work-size copy of the frame: the same pixels image/ops resize gives (box-halve, then bilinear at pixel
 * centres, edge-clamped), but RGB only and without a function call per sample: it ran ~300k times per frame.
 */
function shrink(img: RgbaImage, width: number, height: number): RgbaImage {
	let src = img;
	while (src.width >= width * 2 && src.height >= height * 2) src = halve(src);
	const out = createImage(width, height);
	const { width: w, height: h, data: d } = src;
	const o = out.data;
	const sx = w / width;
	const sy = h / height;
	for (let y = 0; y < height; y++) {
		const cy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
		const y0 = Math.floor(cy);
		const y1 = Math.min(y0 + 1, h - 1);
		const fy = cy - y0;
		for (let x = 0; x < width; x++) {
			const cx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
			const x0 = Math.floor(cx);
			const x1 = Math.min(x0 + 1, w - 1);
			const fx = cx - x0;
			const i00 = (y0 * w + x0) * 4;
			const i01 = (y0 * w + x1) * 4;
			const i10 = (y1 * w + x0) * 4;
			const i11 = (y1 * w + x1) * 4;
			const q = (y * width + x) * 4;
			for (let c = 0; c < 3; c++) {
				const a = d[i00 + c] * (1 - fx) + d[i01 + c] * fx;
				const b = d[i10 + c] * (1 - fx) + d[i11 + c] * fx;
				o[q + c] = a * (1 - fy) + b * fy;
			}
			o[q + 3] = 255;
		}
	}
	return out;
}

/** Largest 4-connected component of `mask`; returns its pixel indices (typed stack, no per-pixel allocation). */
function largestComponent(mask: Uint8Array, w: number, h: number): Int32Array {
	const seen = new Uint8Array(w * h);
	const stack = new Int32Array(w * h);
	const comp = new Int32Array(w * h);
	let bestStart = 0;
	let bestLength = 0;
	let filled = 0;
	for (let s = 0; s < w * h; s++) {
		if (!mask[s] || seen[s]) continue;
		const start = filled;
		let top = 0;
		stack[top++] = s;
		seen[s] = 1;
		while (top > 0) {
			const p = stack[--top];
			comp[filled++] = p;
			const x = p % w;
			if (x > 0 && mask[p - 1] && !seen[p - 1]) {
				seen[p - 1] = 1;
				stack[top++] = p - 1;
			}
			if (x < w - 1 && mask[p + 1] && !seen[p + 1]) {
				seen[p + 1] = 1;
				stack[top++] = p + 1;
			}
			if (p >= w && mask[p - w] && !seen[p - w]) {
				seen[p - w] = 1;
				stack[top++] = p - w;
			}
			if (p + w < w * h && mask[p + w] && !seen[p + w]) {
				seen[p + w] = 1;
				stack[top++] = p + w;
			}
		}
		// Components are laid end to end in `comp`; only the largest one's span is returned.
		if (filled - start > bestLength) {
			bestLength = filled - start;
			bestStart = start;
		}
	}
	return comp.subarray(bestStart, bestStart + bestLength);
}

/** Convex hull (monotone chain). */
function hull(points: Point[]): Point[] {
	const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
	const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
	const lower: Point[] = [];
	for (const q of p) {
		while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
		lower.push(q);
	}
	const upper: Point[] = [];
	for (let i = p.length - 1; i >= 0; i--) {
		const q = p[i];
		while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
		upper.push(q);
	}
	return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Orientation (radians) of the minimum-area bounding rectangle of a convex hull. */
function minAreaAngle(h: Point[]): number {
	let best = Infinity;
	let angle = 0;
	for (let i = 0; i < h.length; i++) {
		const a = h[i];
		const b = h[(i + 1) % h.length];
		const t = Math.atan2(b.y - a.y, b.x - a.x);
		const c = Math.cos(t);
		const s = Math.sin(t);
		let minU = Infinity;
		let maxU = -Infinity;
		let minV = Infinity;
		let maxV = -Infinity;
		for (const p of h) {
			const u = p.x * c + p.y * s;
			const v = -p.x * s + p.y * c;
			minU = Math.min(minU, u);
			maxU = Math.max(maxU, u);
			minV = Math.min(minV, v);
			maxV = Math.max(maxV, v);
		}
		const area = (maxU - minU) * (maxV - minV);
		if (area < best) {
			best = area;
			angle = t;
		}
	}
	return angle;
}

interface Line {
	/** Unit normal and offset: n·p = d. */
	nx: number;
	ny: number;
	d: number;
}

/** Total-least-squares line through points, refitted once without the worst outliers. */
function fitLine(points: Point[]): Line | null {
	let pts = points;
	let line: Line | null = null;
	for (let iter = 0; iter < 2; iter++) {
		if (pts.length < 4) return line;
		const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
		const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
		let sxx = 0;
		let syy = 0;
		let sxy = 0;
		for (const p of pts) {
			sxx += (p.x - mx) ** 2;
			syy += (p.y - my) ** 2;
			sxy += (p.x - mx) * (p.y - my);
		}
		const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy); // direction of the line
		const nx = -Math.sin(theta);
		const ny = Math.cos(theta);
		line = { nx, ny, d: nx * mx + ny * my };
		const l = line;
		const residuals = pts.map((p) => Math.abs(l.nx * p.x + l.ny * p.y - l.d));
		const cut = Math.max(1, median(residuals) * 3);
		pts = pts.filter((_, i) => residuals[i] <= cut);
	}
	return line;
}

function intersect(a: Line, b: Line): Point | null {
	const det = a.nx * b.ny - a.ny * b.nx;
	if (Math.abs(det) < 1e-9) return null;
	return { x: (a.d * b.ny - a.ny * b.d) / det, y: (a.nx * b.d - a.d * b.nx) / det };
}

/** Locates the card. Refuses when it is too small in the frame, cut off by the frame edge, or absent. */
export function locateCard(img: RgbaImage): LocateResult {
	const scale = Math.min(1, WORK / Math.max(img.width, img.height));
	const w = Math.max(8, Math.round(img.width * scale));
	const h = Math.max(8, Math.round(img.height * scale));
	const small = shrink(img, w, h);
	const d = small.data;
	// Border colour: the median of the outermost ring of pixels.
	const ring: number[] = [];
	for (let x = 0; x < w; x++) ring.push(x, (h - 1) * w + x);
	for (let y = 0; y < h; y++) ring.push(y * w, y * w + w - 1);
	const bg = [0, 1, 2].map((c) => median(ring.map((p) => d[p * 4 + c])));
	const dist = new Float32Array(w * h);
	for (let p = 0; p < w * h; p++) {
		dist[p] = Math.max(
			Math.abs(d[p * 4] - bg[0]),
			Math.abs(d[p * 4 + 1] - bg[1]),
			Math.abs(d[p * 4 + 2] - bg[2])
		);
	}
	const imageAspect = Math.max(w, h) / Math.min(w, h);
	// A frame that is itself the card (scan, album crop): card-shaped, and a ring just inside the edge (past any
	// dark outline or background sliver) is fairly uniform pale card paper.
	const inset = Math.round(0.04 * Math.min(w, h));
	const inner: number[] = [];
	for (let x = inset; x < w - inset; x++) inner.push(inset * w + x, (h - 1 - inset) * w + x);
	for (let y = inset; y < h - inset; y++) inner.push(y * w + inset, y * w + w - 1 - inset);
	const innerLuma = inner.map((p) => 0.299 * d[p * 4] + 0.587 * d[p * 4 + 1] + 0.114 * d[p * 4 + 2]);
	const innerMedian = median(innerLuma);
	const innerUniform = innerLuma.filter((v) => Math.abs(v - innerMedian) < 40).length / innerLuma.length;
	const cardShapedFrame =
		Math.abs(imageAspect - CARD_ASPECT) < 0.13 && innerMedian > 150 && innerUniform > 0.75;
	if (cardShapedFrame) return { ok: true, location: wholeImage(img) };
	const t = Math.max(otsu(dist), 30);
	const mask = new Uint8Array(w * h);
	for (let p = 0; p < w * h; p++) mask[p] = dist[p] > t ? 1 : 0;
	const comp = largestComponent(mask, w, h);
	const first = fromComponent(comp, w, h, scale);
	// The outline the card's own edge encloses (enclosedByEdges): computed only where the colour region fails or
	// fits poorly, so every card located cleanly the first way is located exactly as before.
	const byEdges = () => fromComponent(enclosedByEdges(d, w, h), w, h, scale);
	if (first.ok) {
		if (first.location.edgeFit >= LOOSE_OUTLINE) return first;
		// The colour region took in a hand's shadow or a patch of the cloth, and a corner sits far off.
		const enclosed = byEdges();
		return enclosed.ok && enclosed.location.edgeFit > first.location.edgeFit ? enclosed : first;
	}
	if (first.failure === 'too_far') return first;
	if (first.failure === 'cut_off') {
		// On a busy surface (a checked or striped cloth, a keyboard), the pattern is as far from the border colour
		// as the card and joins it into one region running out of the frame; the pattern's cells are smaller than
		// the card or reach the border, so the card is the region its edge encloses.
		const enclosed = byEdges();
		return enclosed.ok ? enclosed : first;
	}
	// A hand's shadow over part of the card brings that part below the threshold, and the lit part alone is not
	// card shaped: grow the component through pixels above half the threshold (hysteresis).
	const second = fromComponent(growComponent(comp, dist, Math.max(t / 2, 20), w, h), w, h, scale);
	if (second.ok) return second;
	// A card on a desk of nearly its own colour (white paper or laminate, exposure metered on the frame) is no
	// farther from the border colour than the desk's own fall-off of light: only its print stands out. Its edge
	// (the paper's step and its shadow) still does.
	const third = byEdges();
	return third.ok ? third : first;
}

/**
 * The largest smooth region no flood from the frame's border reaches without crossing an edge (a step of colour
 * above a few times the frame's median step), in the work image's RGBA pixels `d`.
 */
function enclosedByEdges(d: ArrayLike<number>, w: number, h: number): Int32Array {
	const g = new Float32Array(w * h);
	for (let y = 1; y < h - 1; y++) {
		for (let x = 1; x < w - 1; x++) {
			const p = y * w + x;
			let m = 0;
			for (let c = 0; c < 3; c++) {
				const gx = Math.abs(d[(p + 1) * 4 + c] - d[(p - 1) * 4 + c]);
				const gy = Math.abs(d[(p + w) * 4 + c] - d[(p - w) * 4 + c]);
				m = Math.max(m, gx, gy);
			}
			g[p] = m;
		}
	}
	const sample: number[] = [];
	for (let p = 0; p < w * h; p += 3) sample.push(g[p]);
	const edge = Math.max(8, 3 * median(sample));
	const reached = new Uint8Array(w * h);
	const stack = new Int32Array(w * h);
	let top = 0;
	for (let p = 0; p < w * h; p++) {
		const x = p % w;
		const y = (p - x) / w;
		if ((x <= 1 || y <= 1 || x >= w - 2 || y >= h - 2) && g[p] < edge) {
			reached[p] = 1;
			stack[top++] = p;
		}
	}
	while (top > 0) {
		const p = stack[--top];
		const x = p % w;
		for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
			if (q < 0 || q >= w * h || reached[q] || g[q] >= edge) continue;
			reached[q] = 1;
			stack[top++] = q;
		}
	}
	const mask = new Uint8Array(w * h);
	for (let p = 0; p < w * h; p++) mask[p] = !reached[p] && g[p] < edge ? 1 : 0;
	const inner = largestComponent(mask, w, h);
	// The edge's own pixels (a step marks the pixel on either side) belong to the card up to one pixel out.
	const out = new Int32Array(w * h);
	const taken = new Uint8Array(w * h);
	let n = 0;
	for (const p of inner) {
		taken[p] = 1;
		out[n++] = p;
	}
	for (const p of inner) {
		const x = p % w;
		for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
			if (q < 0 || q >= w * h || taken[q] || reached[q]) continue;
			taken[q] = 1;
			out[n++] = q;
		}
	}
	return out.subarray(0, n);
}

/** The component and every pixel above `low` connected to it (4-connected). */
function growComponent(comp: Int32Array, dist: Float32Array, low: number, w: number, h: number): Int32Array {
	const seen = new Uint8Array(w * h);
	const out = new Int32Array(w * h);
	let n = 0;
	for (const p of comp) {
		seen[p] = 1;
		out[n++] = p;
	}
	for (let i = 0; i < n; i++) {
		const p = out[i];
		const x = p % w;
		for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
			if (q < 0 || q >= w * h || seen[q] || dist[q] <= low) continue;
			seen[q] = 1;
			out[n++] = q;
		}
	}
	return out.subarray(0, n);
}

/** The card's corners from its component in the working image (scaled by `scale` from the frame). */
function fromComponent(comp: Int32Array, w: number, h: number, scale: number): LocateResult {
	// Outline: leftmost/rightmost per row and topmost/bottommost per column of the component.
	const rowMin = new Int32Array(h).fill(w);
	const rowMax = new Int32Array(h).fill(-1);
	const colMin = new Int32Array(w).fill(h);
	const colMax = new Int32Array(w).fill(-1);
	let touches = 0;
	for (const p of comp) {
		const x = p % w;
		const y = (p - x) / w;
		rowMin[y] = Math.min(rowMin[y], x);
		rowMax[y] = Math.max(rowMax[y], x);
		colMin[x] = Math.min(colMin[x], y);
		colMax[x] = Math.max(colMax[x], y);
		if (x === 0 || y === 0 || x === w - 1 || y === h - 1) touches++;
	}
	const outline: Point[] = [];
	for (let y = 0; y < h; y++) if (rowMax[y] >= 0) outline.push({ x: rowMin[y], y }, { x: rowMax[y] + 1, y });
	for (let x = 0; x < w; x++) if (colMax[x] >= 0) outline.push({ x, y: colMin[x] }, { x, y: colMax[x] + 1 });
	const hullPts = outline.length >= 3 ? hull(outline) : [];
	let hullArea = 0;
	for (let i = 0; i < hullPts.length; i++) {
		const a = hullPts[i];
		const b = hullPts[(i + 1) % hullPts.length];
		hullArea += a.x * b.y - b.x * a.y;
	}
	hullArea = Math.abs(hullArea) / 2 / (w * h);
	if (comp.length === 0 || hullArea < 0.03)
		return { ok: false, failure: 'not_found', areaFraction: hullArea };
	// The card touching the frame edge on a long stretch means part of it is outside.
	if (touches > 0.08 * (w + h)) return { ok: false, failure: 'cut_off', areaFraction: hullArea };
	const angle = minAreaAngle(hullPts);
	const c = Math.cos(angle);
	const s = Math.sin(angle);
	// Split outline points among the rectangle's four sides by their position in the rotated frame.
	const uv = outline.map((p) => ({ u: p.x * c + p.y * s, v: -p.x * s + p.y * c, p }));
	const minU = Math.min(...uv.map((q) => q.u));
	const maxU = Math.max(...uv.map((q) => q.u));
	const minV = Math.min(...uv.map((q) => q.v));
	const maxV = Math.max(...uv.map((q) => q.v));
	const spanU = maxU - minU;
	const spanV = maxV - minV;
	const near = 0.08;
	const sides: Point[][] = [[], [], [], []]; // v-min, u-max, v-max, u-min
	for (const q of uv) {
		const fu = (q.u - minU) / spanU;
		const fv = (q.v - minV) / spanV;
		const inner = (f: number) => f > 0.12 && f < 0.88; // skip the rounded corners
		if (fv < near && inner(fu)) sides[0].push(q.p);
		else if (fu > 1 - near && inner(fv)) sides[1].push(q.p);
		else if (fv > 1 - near && inner(fu)) sides[2].push(q.p);
		else if (fu < near && inner(fv)) sides[3].push(q.p);
	}
	const lines = sides.map(fitLine);
	if (lines.some((l) => l === null)) return { ok: false, failure: 'not_found', areaFraction: hullArea };
	const L = lines as Line[];
	const quad = [intersect(L[3], L[0]), intersect(L[0], L[1]), intersect(L[1], L[2]), intersect(L[2], L[3])];
	if (quad.some((q) => q === null)) return { ok: false, failure: 'not_found', areaFraction: hullArea };
	let corners = (quad as Point[]).map((q) => ({ x: q.x / scale, y: q.y / scale }));
	const fitTol = 0.02 * Math.max(spanU, spanV);
	const edgeFit =
		outline.filter((p) => L.some((l) => Math.abs(l.nx * p.x + l.ny * p.y - l.d) < fitTol)).length /
		outline.length;
	// Order TL, TR, BR, BL with the long side on top.
	const len = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
	if (len(corners[0], corners[1]) < len(corners[1], corners[2]))
		corners = [corners[3], corners[0], corners[1], corners[2]];
	// Keep the top edge above the centre (cards held within +-45 degrees; upside-down is handled after OCR).
	const cy = corners.reduce((a, p) => a + p.y, 0) / 4;
	const topMid = { x: (corners[0].x + corners[1].x) / 2, y: (corners[0].y + corners[1].y) / 2 };
	if (topMid.y > cy) corners = [corners[2], corners[3], corners[0], corners[1]];
	const longSide = (len(corners[0], corners[1]) + len(corners[2], corners[3])) / 2;
	const shortSide = (len(corners[1], corners[2]) + len(corners[3], corners[0])) / 2;
	const aspect = longSide / shortSide;
	if (aspect < 1.2 || aspect > 2.1 || edgeFit < 0.6)
		return { ok: false, failure: 'not_found', areaFraction: hullArea };
	if (hullArea < 0.1) return { ok: false, failure: 'too_far', areaFraction: hullArea };
	return { ok: true, location: { corners, areaFraction: hullArea, wholeImage: false, edgeFit } };
}
