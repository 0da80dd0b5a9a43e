// Why a picture of the card gives nothing to read: the reader's refusals when it cannot find a whole card, and the
// phone's when the chosen file is not an image it can open. Screens show these; they never word their own.
import { sniffFormat } from '../image/jpeg-header.ts';
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

/** The ID step's button that opens the camera, named by the reasons that send the candidate to it. */
export const CARD_CAMERA_BUTTON = { zh: '打开摄像头拍摄', en: 'Turn on the camera' } as const;

/**
 * An HEIC/HEIF photo (what some Android cameras, and iPhones set to "High Efficiency", save), which the browser
 * could not open: only Safari decodes the format. The in-app camera needs no file at all.
 */
export const PICTURE_HEIC: Reason = reason(
	'capture.heic',
	`该图片为 HEIC/HEIF 格式，此浏览器无法读取：请点“${CARD_CAMERA_BUTTON.zh}”直接拍摄证件，或将图片导出为 JPG 后再选择`,
	`This picture is in HEIC/HEIF format, which this browser cannot open: photograph the card with "${CARD_CAMERA_BUTTON.en}", or export the picture as JPG and choose it again`
);

/** Why a file the phone could not decode gives nothing to read, from its first bytes (16 are enough). */
export function unreadablePicture(head: Uint8Array): Reason {
	return sniffFormat(head) === 'heic' ? PICTURE_HEIC : PICTURE_UNREADABLE;
}
