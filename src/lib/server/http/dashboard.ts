// The dashboard's request: an office (or admin) account, and the scope it asks for (province, exam area, date range
// in China Standard Time), narrowed to the account's own exam area where it has one.
import { policies } from '../../core/policy/index.ts';
import { database } from '../database.ts';
import { dashboard, scopeFor, type Dashboard, type DashboardScope } from '../services/dashboard.ts';
import { ServiceError } from '../services/errors.ts';
import { provinceOf, type StaffUser } from '../services/staff.ts';

const DAY_MS = 86_400_000;
const CST_MS = 8 * 3_600_000;

/** The start of a CST calendar day (YYYY-MM-DD) as an instant. */
const cstDay = (text: string) => new Date(Date.parse(`${text}T00:00:00Z`) - CST_MS);
const cstDate = (at: Date) => new Date(at.getTime() + CST_MS).toISOString().slice(0, 10);

/** The provinces an account may choose from: its own, or every one for a national account. */
export function provincesFor(user: StaffUser): string[] {
	const own = provinceOf(user);
	return own === null ? Object.keys(policies) : [own];
}

export function askedScope(url: URL, provinces: readonly string[], now = new Date()): DashboardScope {
	const province = url.searchParams.get('province') || provinces[0];
	if (!policies[province])
		throw new ServiceError(400, 'unknown_province', '未知省份', `Unknown province "${province}".`);
	const date = /^\d{4}-\d{2}-\d{2}$/;
	const fromText = url.searchParams.get('from') ?? cstDate(new Date(now.getTime() - 6 * DAY_MS));
	const toText = url.searchParams.get('to') ?? cstDate(now);
	if (!date.test(fromText) || !date.test(toText))
		throw new ServiceError(400, 'bad_date', '日期格式应为 YYYY-MM-DD', 'Dates are YYYY-MM-DD.');
	const from = cstDay(fromText);
	// The range includes its last day.
	const to = new Date(cstDay(toText).getTime() + DAY_MS);
	if (!(to > from) || to.getTime() - from.getTime() > 92 * DAY_MS)
		throw new ServiceError(400, 'bad_range', '日期范围应为 1 至 92 天', 'The range is 1 to 92 days.');
	return { province, examArea: url.searchParams.get('area') || null, from, to };
}

export async function dashboardFor(user: StaffUser, url: URL): Promise<Dashboard> {
	const scope = scopeFor(user, askedScope(url, provincesFor(user)));
	const { db } = await database();
	const figures = await dashboard(db, scope);
	// An exam-area account sees only its own area in the choice of areas too.
	return user.examArea ? { ...figures, examAreas: [user.examArea] } : figures;
}
