// The registration record behind an ID number typed on the PC, at the kiosk or for an SMS-code login.
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';

export interface CandidateByIdNumber {
	id: number;
	province: string;
	phone: string;
	online_blocked: string | null;
}

/** The candidate registered under this ID number (spaces and a lower-case x tolerated), or 404 `no_registration`. */
export async function findCandidateByIdNumber(db: Db, idNumber: string): Promise<CandidateByIdNumber> {
	const candidate = await db
		.selectFrom('candidates')
		.select(['id', 'province', 'phone', 'online_blocked'])
		.where('id_number', '=', idNumber.trim().toUpperCase())
		.executeTakeFirst();
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
