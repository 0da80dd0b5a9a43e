// Why a picture of the card gives nothing to read: the reader's refusals when it cannot find a whole card, and the
// phone's when the chosen file is not an image it can open. Screens show these; they never word their own.
import type { LocateFailure } from './locate.ts';
import { reason, type Reason } from './reasons.ts';

export const LOCATE_REASONS: Record<LocateFailure, Reason> = {
	not_found: reason(
		'capture.no_card',
		'未找到身份证，请将证件放入取景框内',
		'No ID card found: place the card inside the frame'
	),
	too_far: reason(
		'capture.too_far',
		'证件太小，请靠近一些',
		'The card is too small in the picture: move closer'
	),
	cut_off: reason(
		'capture.cut_off',
		'未拍到完整的证件，请将整张证件放入取景框内',
		'No complete card in the picture: something runs off its edge; fit the whole card inside the frame'
	)
};

/** A file from the album that the phone cannot decode into a picture. */
export const PICTURE_UNREADABLE: Reason = reason(
	'capture.unreadable',
	'无法读取该图片，请换一张',
	'This picture cannot be read; choose another'
);
