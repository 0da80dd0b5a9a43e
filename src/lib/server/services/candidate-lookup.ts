// The registration record behind an ID number typed on the PC, at the kiosk or for an SMS-code login.
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';

export interface CandidateByIdNumber {
	id: number;
	province: string;
	phone: string;
	online_blocked: string | null;
}

/** An ID number as stored: no surrounding spaces, an upper-case X. */
export const normalizeIdNumber = (idNumber: string) => idNumber.trim().toUpperCase();

/** The candidate registered under this ID number, or null (callers that must not tell the difference). */
export async function candidateByIdNumber(db: Db, idNumber: string): Promise<CandidateByIdNumber | null> {
	const candidate = await db
		.selectFrom('candidates')
		.select(['id', 'province', 'phone', 'online_blocked'])
		.where('id_number', '=', normalizeIdNumber(idNumber))
		.executeTakeFirst();
	return candidate ?? null;
}

/**
 * The candidate registered under this ID number (spaces and a lower-case x tolerated), or 404 `no_registration`:
 * only for callers already trusted with that answer (a kiosk operator, the registration system, a signed-in
 * candidate).
 */
export async function findCandidateByIdNumber(db: Db, idNumber: string): Promise<CandidateByIdNumber> {
	const candidate = await candidateByIdNumber(db, idNumber);
	if (!candidate) {
		throw new ServiceError(
			404,
			'no_registration',
			'未找到该身份证号码的报名信息',
			'No registration record for this ID number.'
		);
	}
	return candidate;
}
