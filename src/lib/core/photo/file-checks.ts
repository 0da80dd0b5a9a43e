// File-level rules of an upload (format, pixel size, density, byte size, orientation), read from the bytes' headers.
import { jpegDpi, readJpegHeader, sniffFormat } from '../image/jpeg-header.ts';
import { reason, round, type CheckOutcome } from './reasons.ts';
import { rulesOf, type PhotoSpec } from './spec.ts';

export function checkUploadFile(bytes: Uint8Array, spec: PhotoSpec): CheckOutcome {
	const f = spec.file;
	const format = sniffFormat(bytes);
	const measures: CheckOutcome['measures'] = {
		format,
		bytes: bytes.length,
		kib: round(bytes.length / 1024, 1)
	};
	const reasons = [];
	if (format === 'heic' || format === 'avif') {
		reasons.push(
			reason(
				'FILE_HEIC_UNSUPPORTED',
				'不支持 HEIC/HEIF 格式，请在手机相机设置中选择“兼容性最佳”或导出为 JPG',
				'HEIC/HEIF photos are not accepted; set the camera to "Most Compatible" or export as JPG'
			)
		);
		return { reasons, measures };
	}
	if (format !== 'jpeg') {
		const zh = format === 'unknown' ? '无法识别的文件格式' : `文件格式为 ${format.toUpperCase()}`;
		const en =
			format === 'unknown' ? 'The file is not a recognised image' : `The file is ${format.toUpperCase()}`;
		reasons.push(reason('FILE_NOT_JPEG', `${zh}，须为 JPG`, `${en}; it must be JPG`));
	}
	if (bytes.length < f.minBytes)
		reasons.push(
			reason(
				'FILE_TOO_SMALL',
				`文件太小（${bytes.length} 字节），应为 ${f.minBytes}–${f.maxBytes} 字节`,
				`The file is too small (${bytes.length} bytes); it must be ${f.minBytes}-${f.maxBytes} bytes`
			)
		);
	else if (bytes.length > f.maxBytes)
		reasons.push(
			reason(
				'FILE_TOO_LARGE',
				`文件太大（${bytes.length} 字节），应为 ${f.minBytes}–${f.maxBytes} 字节`,
				`The file is too large (${bytes.length} bytes); it must be ${f.minBytes}-${f.maxBytes} bytes`
			)
		);
	if (format !== 'jpeg') return { reasons, measures };
	const header = readJpegHeader(bytes);
	if (!header) {
		reasons.push(reason('FILE_UNREADABLE', '文件已损坏，无法读取', 'The file is damaged and cannot be read'));
		return { reasons, measures };
	}
	const dpi = jpegDpi(header);
	Object.assign(measures, {
		width: header.width,
		height: header.height,
		dpi,
		exifOrientation: header.exifOrientation,
		progressive: header.progressive
	});
	if (header.width === f.height && header.height === f.width)
		reasons.push(
			reason(
				'FILE_WRONG_DIMENSIONS',
				`照片为横向 ${header.width}×${header.height} 像素，可能被旋转了 90°；须为竖向 ${f.width}×${f.height}`,
				`The photo is landscape ${header.width}x${header.height} px, probably rotated by 90°; it must be portrait ${f.width}x${f.height}`
			)
		);
	else if (header.width !== f.width || header.height !== f.height)
		reasons.push(
			reason(
				'FILE_WRONG_DIMENSIONS',
				`照片尺寸为 ${header.width}×${header.height} 像素，须为 ${f.width}×${f.height}（宽×高）`,
				`The photo is ${header.width}x${header.height} px; it must be ${f.width}x${f.height} (width x height)`
			)
		);
	if (rulesOf(spec).density && (dpi === null || Math.round(dpi) !== f.dpi))
		reasons.push(
			reason(
				'FILE_WRONG_DPI',
				`分辨率为 ${dpi === null ? '未设置' : `${Math.round(dpi)} dpi`}，须为 ${f.dpi} dpi`,
				`The resolution is ${dpi === null ? 'not set' : `${Math.round(dpi)} dpi`}; it must be ${f.dpi} dpi`
			)
		);
	// A photo that is upright only through an EXIF flag prints sideways wherever the flag is ignored.
	if (header.exifOrientation !== null && header.exifOrientation !== 1)
		reasons.push(
			reason(
				'FILE_ROTATED',
				'照片依赖 EXIF 方向标记旋转，请导出为正向的照片',
				'The photo is only upright through its EXIF orientation flag; export it upright'
			)
		);
	return { reasons, measures };
}
