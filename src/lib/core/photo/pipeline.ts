// Candidate's picture -> the registration photo: one face, person separated from the background, framed to the
// spec's head proportions, background painted, JPEG sized into the byte window, then checked like an upload.
import type { FaceMeasurement } from '../face/types.ts';
import type { Point, RgbaImage } from '../image/types.ts';
import { checkFaceCount, checkFaceInFrame, checkPhotoContent } from './checks.ts';
import { composePhoto, frameHead, type Framing } from './compose.ts';
import { encodeWithinSize, type JpegEncoder } from './encode.ts';
import { checkUploadFile } from './file-checks.ts';
import { headGeometry } from './head.ts';
import { combine, reason, round, type Measures, type PhotoVerdict } from './reasons.ts';
import { personAlphaAt, segmentByColour, type PersonMask } from './segment.ts';
import type { PhotoSpec } from './spec.ts';

export interface MakePhotoInput {
	image: RgbaImage;
	/** The face engine's measurement of `image`. */
	measurement: FaceMeasurement;
	spec: PhotoSpec;
	encoder: JpegEncoder;
	/** A model's person mask (the browser's selfie segmentation); without it the colour region path runs. */
	mask?: PersonMask;
	/** Face-vs-ID similarity, when known, reported in the verdict. */
	faceMatch?: number;
}

export interface MadePhoto extends PhotoVerdict {
	/** The JPEG, when one could be made (it may still break a content rule, listed in reasons). */
	bytes: Uint8Array | null;
	/** The uncompressed output (what SSIM is measured against, and what the candidate previews). */
	image: RgbaImage | null;
}

/**
 * Colour-region masks are trusted only on backdrops that are plain enough: most of the border must join the
 * background and the joined region must be nearly one colour.
 */
const MIN_BORDER_COVERAGE = 0.6;
const MAX_BACKGROUND_SPREAD = 7;

export async function makePhoto(input: MakePhotoInput): Promise<MadePhoto> {
	const { image, measurement: m, spec } = input;
	const faces = checkFaceCount(m);
	if (faces.reasons.length || !m.face) return { ...combine([faces]), bytes: null, image: null };
	const inFrame = checkFaceInFrame(m, image.width, image.height);
	if (inFrame.reasons.length) return { ...combine([faces, inFrame]), bytes: null, image: null };

	const mask = input.mask ?? segmentByColour(image, m.face.box);
	const maskMeasures: Measures = {
		segmentation: mask.method,
		sourceBackgroundSpreadDeltaE: round(mask.backgroundSpreadDeltaE, 2),
		sourceBorderCoverage: round(mask.borderCoverage)
	};
	if (
		mask.method === 'colour-region' &&
		(mask.borderCoverage < MIN_BORDER_COVERAGE || mask.backgroundSpreadDeltaE > MAX_BACKGROUND_SPREAD)
	) {
		return {
			...combine([
				faces,
				{
					reasons: [
						reason(
							'BACKGROUND_NOT_UNIFORM',
							'背景过于复杂，无法自动替换；请在纯色墙面前重拍',
							'The background is too busy to replace; retake against a plain wall'
						)
					],
					measures: maskMeasures
				}
			]),
			bytes: null,
			image: null
		};
	}

	const geometry = headGeometry(m, image.width, (x, y) => personAlphaAt(mask, x, y) >= 0.5)!;
	// Hair touching the top of the source means the crown is outside it: framing would show a flat cut.
	if (geometry.crownY <= 1) {
		return {
			...combine([
				faces,
				{
					reasons: [
						reason(
							'HEAD_TOO_HIGH',
							'头顶被画面上边缘裁切，请在头顶上方留出空间重拍',
							'The top of the head is cut off by the top edge; retake with space above the head'
						)
					],
					measures: {
						...maskMeasures,
						sourceCrownY: round(geometry.crownY, 1),
						crownFrom: geometry.crownFrom
					}
				}
			]),
			bytes: null,
			image: null
		};
	}
	const framing = frameHead(geometry, image.width, image.height, spec);
	const output = composePhoto(image, mask, framing, spec);
	const sized = await encodeWithinSize(output, input.encoder, spec.file);

	// The output is judged like any upload: file rules on the bytes, content rules on the framed pixels.
	const framed = reframeMeasurement(m, framing);
	const content = checkPhotoContent(output, framed, spec, { faceMatch: input.faceMatch });
	const file = checkUploadFile(sized.bytes, spec);
	const verdict = combine([
		{ reasons: [], measures: maskMeasures },
		{
			reasons: [],
			measures: {
				crownFrom: geometry.crownFrom,
				framingScale: round(framing.scale),
				framingPadded: framing.padded,
				encoder: sized.encoder,
				jpegQuality: sized.quality,
				encodeAttempts: sized.attempts
			}
		},
		{ reasons: file.reasons, measures: file.measures },
		content
	]);
	return { ...verdict, bytes: sized.bytes, image: output };
}

/** Moves a measurement from source coordinates into the framed output's coordinates. */
export function reframeMeasurement(m: FaceMeasurement, f: Framing): FaceMeasurement {
	const map = (p: Point): Point => ({ x: (p.x - f.box.x) * f.scale, y: (p.y - f.box.y) * f.scale });
	const face = m.face
		? {
				...m.face,
				box: {
					x: (m.face.box.x - f.box.x) * f.scale,
					y: (m.face.box.y - f.box.y) * f.scale,
					width: m.face.box.width * f.scale,
					height: m.face.box.height * f.scale
				},
				keypoints: m.face.keypoints?.map(map)
			}
		: null;
	return { ...m, face, landmarks: m.landmarks?.map(map) };
}
