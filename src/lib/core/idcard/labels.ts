// Where the printed labels sit on a rectified portrait side (fractions of the card, from the card's published
// layout: 姓名/性别/出生/住址 in a left column, 民族 mid-row, 公民身份号码 bottom left). A detected box that is
// exactly a label's box needs no recognition to know what it says once the side is known, which saves about a
// quarter of the recogniser's work on a portrait side. Boxes that fit no label, or two boxes fitting one, are read.
import type { Box } from '../image/types.ts';
import { PORTRAIT_AREA } from './parse.ts';

interface LabelSlot {
	label: string;
	/** Box centre, fractions of card width/height. */
	cx: number;
	cy: number;
	/** Box width range for the label alone (no value merged in), fraction of card width. */
	minW: number;
	maxW: number;
}

/** Measured on rectified generated cards (856x540): 2-character labels 65-68 px wide, 公民身份号码 181 px. */
const SLOTS: LabelSlot[] = [
	{ label: '姓名', cx: 0.115, cy: 0.178, minW: 0.05, maxW: 0.105 },
	{ label: '性别', cx: 0.115, cy: 0.28, minW: 0.05, maxW: 0.105 },
	{ label: '民族', cx: 0.383, cy: 0.28, minW: 0.05, maxW: 0.105 },
	{ label: '出生', cx: 0.115, cy: 0.383, minW: 0.05, maxW: 0.105 },
	{ label: '住址', cx: 0.115, cy: 0.483, minW: 0.05, maxW: 0.105 },
	{ label: '公民身份号码', cx: 0.185, cy: 0.835, minW: 0.16, maxW: 0.26 }
];

/** How far (fraction of the card) a box centre may lie from its slot: less than half the row pitch (0.1). */
const TOLERANCE_X = 0.03;
const TOLERANCE_Y = 0.04;

/** The label a box is, by position and size alone, or null. */
export function labelAt(box: Box, cardWidth: number, cardHeight: number): string | null {
	const cx = (box.x + box.width / 2) / cardWidth;
	const cy = (box.y + box.height / 2) / cardHeight;
	const w = box.width / cardWidth;
	const slot = SLOTS.find(
		(s) =>
			Math.abs(cx - s.cx) <= TOLERANCE_X && Math.abs(cy - s.cy) <= TOLERANCE_Y && w >= s.minW && w <= s.maxW
	);
	return slot?.label ?? null;
}

/** Labels for each box; a label claimed by two boxes (a split or doubled detection) is given to neither. */
export function labelsByLayout(
	boxes: readonly Box[],
	cardWidth: number,
	cardHeight: number
): (string | null)[] {
	const labels = boxes.map((b) => labelAt(b, cardWidth, cardHeight));
	const count = new Map<string, number>();
	for (const l of labels) if (l) count.set(l, (count.get(l) ?? 0) + 1);
	return labels.map((l) => (l && count.get(l) === 1 ? l : null));
}

/**
 * Boxes that carry no field on either side: the title block of the emblem side (中华人民共和国, 居民身份证: wide
 * lines in the upper right) and anything inside the portrait photo. They are read only when the side cannot be
 * told without them. A box reaching left of the photo is not in it, whatever its centre: a long 签发机关 value
 * detected apart from its label has its centre where the other side's photo is.
 */
export function isTitleOrPhoto(box: Box, cardWidth: number, cardHeight: number): boolean {
	const cx = (box.x + box.width / 2) / cardWidth;
	const cy = (box.y + box.height / 2) / cardHeight;
	const title = cx > 0.5 && cy < 0.45 && box.width / cardWidth > 0.3;
	const photo =
		cx > PORTRAIT_AREA.x0 &&
		cx < PORTRAIT_AREA.x1 &&
		cy > PORTRAIT_AREA.y0 &&
		cy < PORTRAIT_AREA.y1 &&
		box.x / cardWidth > PORTRAIT_AREA.x0 - PHOTO_EDGE_SLACK;
	return title || photo;
}

/** How far (fraction of the card width) a box in the photo may start left of the photo's edge. */
const PHOTO_EDGE_SLACK = 0.03;
