// Kiosk (on-site) support: find a candidate by full ID number, start a session that continues on the
// candidate's phone (or the kiosk's), same link and flow as from the PC.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { candidateByIdNumber } from './candidate-lookup.ts';
import {
	isUuid,
	sessionsWithOutcome,
	shownStatusOf,
	startSession,
	toldAdmissionNumber,
	unknownSession
} from './sessions.ts';
import { confirmStaffPresent, provinceOf, requireProvince, type StaffUser } from './staff.ts';
import { attestOnSite } from './review.ts';
import { inProvince } from '../db/province-scope.ts';

/**
 * The candidate with exactly this ID number (the candidate shows their ID card at the desk). No prefixes, no names:
 * a kiosk account must not be a way to list candidates and their ID numbers.
 */
export async function searchCandidates(db: Db, staff: StaffUser, query: string) {
	const idNumber = query.trim().toUpperCase();
	if (!/^\d{17}[\dX]$/.test(idNumber)) return [];
	const province = provinceOf(staff);
	const rows = await db
		.selectFrom('candidates')
		.select([
			'id_number',
			'name',
			'sex',
			'birth_date',
			'exam_area',
			'province',
			'admission_number',
			'online_blocked'
		])
		.where('id_number', '=', idNumber)
		.where((eb) => inProvince(eb, 'province', province))
		.execute();
	await audit(db, {
		actor: `staff:${staff.id}`,
		action: 'kiosk.search',
		detail: { query: `${idNumber.slice(0, 6)}…`, hits: rows.length }
	});
	return rows.map((r) => ({
		idNumber: r.id_number,
		name: r.name,
		sex: r.sex,
		birthDate: r.birth_date,
		examArea: r.exam_area,
		province: r.province,
		admissionNumber: r.admission_number,
		onlineBlocked: r.online_blocked
	}));
}

export async function startOnSiteSession(db: Db, staff: StaffUser, idNumber: string, origin: string) {
	// An ID number nobody registered goes on to startSession, which refuses it as it does every other start.
	const candidate = await candidateByIdNumber(db, idNumber);
	if (candidate) requireProvince(staff, candidate.province);
	const session = await startSession(db, idNumber, new Date(), { origin: 'kiosk', startedBy: staff.id });
	return {
		sessionId: session.sessionId,
		link: `${origin}/m/${session.token}`,
		expiresAt: session.expiresAt.toISOString(),
		pcSecret: session.pcSecret
	};
}

/**
 * What the kiosk shows of a session it started (an admin: any in their province), as the candidate's own PC is
 * shown it: confirmed, with the admission number, only once the duplicate sweep has cleared it.
 */
export async function kioskSessionStatus(db: Db, staff: StaffUser, sessionId: string) {
	if (!isUuid(sessionId)) throw unknownSession();
	const province = provinceOf(staff);
	const row = await sessionsWithOutcome(db)
		.where('s.id', '=', sessionId)
		.$if(staff.role !== 'admin', (q) => q.where('s.started_by', '=', staff.id))
		.where((eb) => inProvince(eb, 's.province', province))
		.executeTakeFirst();
	if (!row) throw unknownSession();
	return {
		status: shownStatusOf(row),
		completedAt: row.completed_at,
		admissionNumber: toldAdmissionNumber(row)
	};
}

/**
 * The operator attests a candidate present at the desk, typing their own password again: a kiosk tablet stays
 * signed in all shift and a candidate may be left alone with it, so its cookie is not enough. A session the
 * account does not see is unknown whatever the password, as it is to its status request. The one way the kiosk
 * API records an attestation (attestOnSite itself trusts its caller).
 */
export async function attestAtDesk(
	db: Db,
	staff: StaffUser,
	sessionId: string,
	input: { decision: 'confirmed' | 'rejected'; comment: string; password: string },
	client: string
) {
	await kioskSessionStatus(db, staff, sessionId);
	await confirmStaffPresent(db, staff, input.password, client);
	return attestOnSite(db, staff, sessionId, input.decision, input.comment);
}
