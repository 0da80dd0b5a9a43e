// What the reader extracts from each side of the card, in the card's own spelling.
import type { Text } from '../text.ts';
import type { Sex } from './number.ts';

export type CardSide = 'portrait' | 'emblem';

export interface PortraitFields {
	name: string | null;
	sex: Sex | null;
	/** As printed, without 族 (e.g. "汉"). */
	ethnicity: string | null;
	/** 'YYYY-MM-DD'. */
	birthDate: string | null;
	/** The multi-line 住址 joined into one string. */
	address: string | null;
	idNumber: string | null;
}

export interface EmblemFields {
	authority: string | null;
	validFrom: string | null;
	validTo: string | '长期' | null;
}

export type CardFields = Partial<PortraitFields & EmblemFields>;

/** Each field's name, zh-CN as the card prints it, then English: what every screen and message calls it. */
export const CARD_FIELD_LABELS: Record<keyof CardFields, Text> = {
	name: { zh: '姓名', en: 'Name' },
	sex: { zh: '性别', en: 'Sex' },
	ethnicity: { zh: '民族', en: 'Ethnicity' },
	birthDate: { zh: '出生日期', en: 'Date of birth' },
	address: { zh: '住址', en: 'Address' },
	idNumber: { zh: '公民身份号码', en: 'ID number' },
	authority: { zh: '签发机关', en: 'Issuing authority' },
	validFrom: { zh: '有效期自', en: 'Valid from' },
	validTo: { zh: '有效期至', en: 'Valid to' }
};

/** A registration record (what the candidate entered when enrolling for the exam). */
export interface RegistrationRecord {
	name: string;
	sex?: string;
	ethnicity?: string;
	birthDate?: string;
	address?: string;
	idNumber: string;
}
