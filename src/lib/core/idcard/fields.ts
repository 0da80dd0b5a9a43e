// What the reader extracts from each side of the card, in the card's own spelling.
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

/** A registration record (what the candidate entered when enrolling for the exam). */
export interface RegistrationRecord {
	name: string;
	sex?: string;
	ethnicity?: string;
	birthDate?: string;
	address?: string;
	idNumber: string;
}
