// Kiosk (on-site) support: find a candidate by ID number or name, start a session that continues on the
// candidate's phone (or the kiosk's), same link and flow as from the PC.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { startSession } from './sessions.ts';
import type { StaffUser } from './staff.ts';

export async function searchCandidates(db: Db, staff: StaffUser, query: string) {
	const q = query.trim();
	if (q.length < 2) return [];
	const byId = /^\d{6,17}[\dXx]?$/.test(q);
	let select = db
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
		.limit(20);
	select = byId
		? select.where('id_number', 'like', `${q.toUpperCase().replace(/[%_]/g, '')}%`)
		: select.where('name', 'like', `${q.replace(/[%_]/g, '')}%`);
	const rows = await select.orderBy('name').execute();
	await audit(db, {
		actor: `staff:${staff.id}`,
		action: 'kiosk.search',
		detail: { query: byId ? `${q.slice(0, 6)}…` : q, hits: rows.length }
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
	const session = await startSession(db, idNumber, new Date(), { origin: 'kiosk', startedBy: staff.id });
	return {
		sessionId: session.sessionId,
		link: `${origin}/m/${session.token}`,
		expiresAt: session.expiresAt.toISOString(),
		pcSecret: session.pcSecret
	};
}
