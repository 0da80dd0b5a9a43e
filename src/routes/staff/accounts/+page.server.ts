import { fail } from '@sveltejs/kit';
import { policies } from '$lib/core/policy';
import { ALL_PROVINCES, generateStaffPassword, STAFF_ROLES, type StaffRole } from '$lib/core/staff-roles';
import { database } from '$lib/server/database';
import { staffPage } from '$lib/server/http/staff-page';
import { ServiceError } from '$lib/server/services/errors';
import { createStaff, provinceOf } from '$lib/server/services/staff';
import { listStaff, updateStaff } from '$lib/server/services/staff-accounts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const admin = await staffPage(event, 'admin');
	const { db } = await database();
	const own = provinceOf(admin);
	const provinces = Object.values(policies)
		.filter((p) => own === null || p.id === own)
		.map((p) => ({ id: p.id, name: p.name }));
	return { admin, accounts: await listStaff(db, admin), provinces, national: own === null };
};

const field = (form: FormData, name: string, max: number) =>
	String(form.get(name) ?? '')
		.trim()
		.slice(0, max);

/** What a new account's form held, given back on a refusal (never the password). */
type Typed = { username: string; role: string; province: string; examArea: string };

/** A refusal the form shows in place, with what was typed into the create form kept. */
async function attempt<T>(run: () => Promise<T>, values?: Typed) {
	try {
		return await run();
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { values, error: { zh: e.zh, en: e.en } });
		throw e;
	}
}

export const actions: Actions = {
	create: async (event) => {
		const admin = await staffPage(event, 'admin');
		const form = await event.request.formData();
		const username = field(form, 'username', 64);
		const roleField = field(form, 'role', 16);
		const province = field(form, 'province', 32) || (provinceOf(admin) ?? ALL_PROVINCES);
		const examArea = field(form, 'examArea', 64);
		const password = String(form.get('password') ?? '').slice(0, 256);
		const values = { username, role: roleField, province, examArea };
		if (!(STAFF_ROLES as readonly string[]).includes(roleField))
			return fail(400, { values, error: { zh: '请选择角色', en: 'Choose a role.' } });
		const role = roleField as StaffRole;
		const { db } = await database();
		return attempt(async () => {
			const user = await createStaff(
				db,
				{ username, role, password, province, examArea: role === 'office' && examArea ? examArea : null },
				admin
			);
			return { created: user.username };
		}, values);
	},
	update: async (event) => {
		const admin = await staffPage(event, 'admin');
		const form = await event.request.formData();
		const id = Number(form.get('id'));
		const province = field(form, 'province', 32) || undefined;
		const disabled = form.has('disabled') ? form.get('disabled') === 'true' : undefined;
		const { db } = await database();
		return attempt(async () => {
			const user = await updateStaff(db, Number.isSafeInteger(id) ? id : -1, { province, disabled }, admin);
			return { updated: user.username };
		});
	},
	/** Turns another account's authenticator code off (a lost phone); it signs in with its password and sets up anew. */
	clearSecondFactor: async (event) => {
		const admin = await staffPage(event, 'admin');
		const id = Number((await event.request.formData()).get('id'));
		const { db } = await database();
		return attempt(async () => {
			const change = { clearSecondFactor: true };
			const user = await updateStaff(db, Number.isSafeInteger(id) ? id : -1, change, admin);
			return { updated: user.username };
		});
	},
	/** A new password the server draws, shown to the admin once to hand over (a forgotten password). */
	resetPassword: async (event) => {
		const admin = await staffPage(event, 'admin');
		const id = Number((await event.request.formData()).get('id'));
		const password = generateStaffPassword();
		const { db } = await database();
		return attempt(async () => {
			const user = await updateStaff(db, Number.isSafeInteger(id) ? id : -1, { password }, admin);
			return { reset: { username: user.username, password } };
		});
	}
};
