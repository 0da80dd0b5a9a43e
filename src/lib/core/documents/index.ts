// The documents a candidate accepts before the flow starts: 《用户协议》, 《隐私政策》 and the face-information
// notice (PIPL arts. 14, 17, 29; the 2025 face-recognition measures). Each is a template an office reviews before
// use; the province's office, contact and retention come from its policy, never from here. A document's version
// changes whenever its text does: the phone then asks a returning candidate again, and the server records the
// versions accepted.
import type { ProvincePolicy } from '../policy/types.ts';
import { faceNotice, privacyPolicy, termsOfUse } from './texts.ts';
import type { Text } from '../text.ts';

export type DocumentId = 'terms' | 'privacy' | 'face';

export const DOCUMENT_IDS: readonly DocumentId[] = ['terms', 'privacy', 'face'];

export type { Text } from '../text.ts';

export interface DocumentSection {
	heading: Text;
	paragraphs: Text[];
}

export interface CandidateDocument {
	id: DocumentId;
	title: Text;
	version: string;
	sections: (policy: ProvincePolicy) => DocumentSection[];
}

export const DOCUMENTS: Readonly<Record<DocumentId, CandidateDocument>> = {
	terms: {
		id: 'terms',
		title: { zh: '用户协议', en: 'Terms of use' },
		version: '2026-12-03',
		sections: termsOfUse
	},
	privacy: {
		id: 'privacy',
		title: { zh: '隐私政策', en: 'Privacy policy' },
		version: '2026-12-03',
		sections: privacyPolicy
	},
	face: {
		id: 'face',
		title: { zh: '人脸信息处理告知书', en: 'Face information notice' },
		version: '2026-12-03',
		sections: faceNotice
	}
};

export type DocumentVersions = Record<DocumentId, string>;

/** The versions in force: what the consent screen asks the candidate to accept. */
export const currentVersions = (): DocumentVersions => ({
	terms: DOCUMENTS.terms.version,
	privacy: DOCUMENTS.privacy.version,
	face: DOCUMENTS.face.version
});

/** True when every document accepted is still the version in force (a consent with no versions is outdated). */
export function versionsCurrent(accepted: Partial<DocumentVersions> | undefined): boolean {
	const now = currentVersions();
	return DOCUMENT_IDS.every((id) => accepted?.[id] === now[id]);
}

/** The page a document is read on, per province (prerendered, so the service worker can keep it offline). */
export const documentPath = (id: DocumentId, province: string) => `/documents/${province}/${id}`;
