// The texts of the candidate documents, filled in from the province policy (templates: an office reviews them).
import { EVIDENCE_FRAMES, evidenceCropCount } from '../liveness/evidence.ts';
import { resolve } from '../policy/resolve.ts';
import type { ProvincePolicy } from '../policy/types.ts';
import type { DocumentSection, Text } from './index.ts';

const section = (zh: string, en: string, ...paragraphs: Text[]): DocumentSection => ({
	heading: { zh, en },
	paragraphs
});
const p = (zh: string, en: string): Text => ({ zh, en });

/**
 * Liveness evidence (the resolved policy's evidenceFrames): what the crops are, who checks them and that they are deleted
 * once judged; otherwise that face frames never leave the phone.
 */
function faceFrames(policy: ProvincePolicy): Text {
	const resolved = resolve(policy);
	if (!resolved.evidenceFrames)
		return p(
			'身份证图像、人脸画面和视频只在您的手机上处理，不上传。',
			'ID card images, face frames and video are processed on your phone only and are never uploaded.'
		);
	const { size } = EVIDENCE_FRAMES;
	const count = evidenceCropCount(resolved);
	return p(
		`身份证图像和视频只在您的手机上处理，不上传。为证明活体检测由本人完成，本省会上传活体检测过程中的 ${count} 张人脸截图（${size}×${size} 像素，时间点由服务器随机指定）；服务器用自己的人脸引擎核验后立即删除，不保存、不记录。`,
		`ID card images and video are processed on your phone only and are never uploaded. To prove that you did the liveness check yourself, this province uploads ${count} face crops from it (${size}x${size} pixels, at moments the server picks at random); the server checks them with its own face engine and deletes them at once: they are never stored or logged.`
	);
}

/** What leaves the phone in this province: the signed results always, the photo and signature where asked. */
function uploads(policy: ProvincePolicy): Text {
	const zh = ['签名后的核验结果（分数、结论和原因，不含图像）'];
	const en = ['the signed check results (scores, verdicts and reasons, no images)'];
	if (policy.photo.kind === 'upload') {
		zh.push('您确认提交的报名照片');
		en.push('the registration photo you submit');
	}
	if (policy.signatureRequired) {
		zh.push('手写签名图像');
		en.push('your handwritten signature image');
	}
	const resolved = resolve(policy);
	if (resolved.evidenceFrames) {
		zh.push(`活体检测过程中的 ${evidenceCropCount(resolved)} 张小尺寸人脸截图`);
		en.push(`${evidenceCropCount(resolved)} small face crops from the liveness check`);
	}
	return p(`离开手机的只有：${zh.join('、')}。`, `Only these leave the phone: ${en.join(', ')}.`);
}

function controller(policy: ProvincePolicy): Text {
	const { office } = policy;
	return p(
		`个人信息处理者为${office.name.zh}（${policy.name.zh}自学考试主管机构）。联系方式：${office.contact.zh}。`,
		`The controller of your personal information is the ${office.name.en} (${policy.name.en} self-study examinations). Contact: ${office.contact.en}.`
	);
}

function retention(policy: ProvincePolicy): Text {
	const days = policy.office.retentionDays;
	return p(
		`上传的照片和签名图像在确认结果产生后保存 ${days} 天，期满删除（仅保留其摘要值作为已接收的证明）；核验结果作为报名档案按考试管理规定保存。`,
		`The uploaded photo and signature image are kept for ${days} days after the outcome, then deleted (only their digest is kept as proof of receipt); the check results are kept with the registration record as examination rules require.`
	);
}

function onSite(policy: ProvincePolicy): Text {
	return p(
		`您可以不同意人脸识别，改为到${policy.name.zh}自学考试现场确认点由工作人员核验身份；选择现场确认不影响您报考。`,
		`You may refuse face processing and confirm your identity on site with the staff of a ${policy.name.en} examination centre instead; choosing this does not affect your registration.`
	);
}

export function termsOfUse(policy: ProvincePolicy): DocumentSection[] {
	return [
		section(
			'一、服务内容',
			'1. The service',
			p(
				`本服务供${policy.name.zh}高等教育自学考试考生在报名时用本人手机确认身份。核验在您的手机上完成，结果由${policy.office.name.zh}确认。`,
				`This service lets candidates for the ${policy.name.en} higher-education self-study examinations confirm their identity from their own phone at registration. The checks run on your phone; the ${policy.office.name.en} confirms the result.`
			)
		),
		section(
			'二、您的承诺',
			'2. What you agree to',
			p(
				'您只为本人办理确认，提供的证件和影像真实、属于本人；不得冒用他人身份、使用翻拍或合成的影像，或干扰本服务的运行。',
				'You confirm only your own identity with your own genuine ID card and face; you do not use another person’s identity, re-photographed or synthetic images, or interfere with the service.'
			),
			p(
				'手机上报告的结果只是申请，考试机构依据其自行核验的证据作出确认；无法自动确认的转人工审核或现场确认。',
				'What the phone reports is a claim: the office confirms on evidence it checks itself; anything it cannot confirm goes to a manual review or to on-site confirmation.'
			)
		),
		section('三、替代方式', '3. The alternative', onSite(policy)),
		section(
			'四、联系我们',
			'4. Contact',
			controller(policy),
			p(
				'本协议为模板文本，由考试机构审定后发布。',
				'These terms are a template, published once the examination office has reviewed them.'
			)
		)
	];
}

export function privacyPolicy(policy: ProvincePolicy): DocumentSection[] {
	return [
		section('一、处理者', '1. Who processes your information', controller(policy)),
		section(
			'二、我们处理哪些信息',
			'2. What is processed',
			p(
				'报名信息（姓名、身份证号码、报考专业、考区、手机号码）用于核对身份和通知结果。',
				'Your registration record (name, ID number, subject, exam area, phone number) to check your identity and tell you the result.'
			),
			faceFrames(policy),
			uploads(policy)
		),
		section(
			'三、目的和依据',
			'3. Purpose and legal basis',
			p(
				'目的仅为自学考试报名的身份确认，依据为履行考试管理职责所必需及您的同意（人脸信息为敏感个人信息，需您单独同意）。',
				'The sole purpose is identity confirmation for self-study examination registration, as necessary for the office’s statutory duties and with your consent (face information is sensitive personal information and needs your separate consent).'
			)
		),
		section('四、保存期限', '4. How long it is kept', retention(policy)),
		section(
			'五、您的权利',
			'5. Your rights',
			p(
				'您可以查阅、更正、删除您的个人信息，或撤回同意；撤回前的处理不受影响。请通过上述联系方式提出。',
				'You may access, correct or delete your personal information, or withdraw your consent (processing before the withdrawal stays lawful). Use the contact above.'
			),
			p(
				'本服务不向第三方提供您的信息，也不加载第三方的代码或内容。',
				'The service gives your information to no third party and loads no third-party code or content.'
			)
		)
	];
}

export function faceNotice(policy: ProvincePolicy): DocumentSection[] {
	const evidence = resolve(policy).evidenceFrames !== null;
	const authority = policy.serverEvidence.authority
		? p(
				'您提交的照片将由考试机构向公安部门身份认证服务核验。',
				'The office checks the photo you submit with the identity authority of the public security department.'
			)
		: p(
				'考试机构用自己的人脸比对引擎将您提交的照片与您报名时的参考照片比对。',
				'The office compares the photo you submit with your reference photo from registration, with its own face engine.'
			);
	return [
		section(
			'一、处理的人脸信息',
			'1. What face information is processed',
			evidence
				? p(
						'在您的手机上：从摄像头画面检测人脸、判断是否为真人（活体检测）、与身份证照片比对。视频不离开手机，流程结束后即从手机存储中删除。',
						'On your phone: faces in the camera frames are detected, checked for liveness and compared with the ID card portrait. The video never leaves the phone and is removed from its storage when the flow ends.'
					)
				: p(
						'在您的手机上：从摄像头画面检测人脸、判断是否为真人（活体检测）、与身份证照片比对。这些画面和视频不离开手机，流程结束后即从手机存储中删除。',
						'On your phone: faces in the camera frames are detected, checked for liveness and compared with the ID card portrait. These frames and the video never leave the phone and are removed from its storage when the flow ends.'
					),
			...(evidence ? [faceFrames(policy)] : []),
			uploads(policy),
			authority
		),
		section(
			'二、目的',
			'2. Why',
			p(
				'仅用于确认报名考生是本人，防止冒名顶替。',
				'Only to confirm that the candidate registering is the person named, against impersonation.'
			)
		),
		section('三、保存期限', '3. How long', retention(policy)),
		section('四、处理者和联系方式', '4. Controller and contact', controller(policy)),
		section(
			'五、撤回同意和替代方式',
			'5. Withdrawing consent and the alternative',
			p(
				'人脸识别需要您单独同意。您可以随时撤回同意：在手机上选择“改为现场确认”，或通过上述联系方式提出。',
				'Face processing needs your separate consent. You may withdraw it at any time: choose “confirm on site” on the phone, or use the contact above.'
			),
			onSite(policy)
		)
	];
}
