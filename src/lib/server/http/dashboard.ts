// The dashboard's request: an office (or admin) account, and the scope it asks for (province, exam area, date range
// in China Standard Time), narrowed to the account's own exam area where it has one.
import { chinaDay, startOfChinaDay } from '../../core/china-time.ts';
import { policies } from '../../core/policy/index.ts';
import { database } from '../database.ts';
import { dashboard, scopeFor, type Dashboard, type DashboardScope } from '../services/dashboard.ts';
import { ServiceError } from '../services/errors.ts';
import { provinceOf, type StaffUser } from '../services/staff.ts';

const DAY_MS = 86_400_000;
/** The longest range a dashboard shows, in days. */
const MAX_RANGE_DAYS = 92;

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
	const fromText = url.searchParams.get('from') ?? chinaDay(now.getTime() - 6 * DAY_MS);
	const toText = url.searchParams.get('to') ?? chinaDay(now.getTime());
	if (!date.test(fromText) || !date.test(toText))
		throw new ServiceError(400, 'bad_date', '日期格式应为 YYYY-MM-DD', 'Dates are YYYY-MM-DD.');
	const from = startOfChinaDay(fromText);
	// The range includes its last day.
	const to = new Date(startOfChinaDay(toText).getTime() + DAY_MS);
	if (!(to > from) || to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
		throw new ServiceError(
			400,
			'bad_range',
			`日期范围应为 1 至 ${MAX_RANGE_DAYS} 天`,
			`The range is 1 to ${MAX_RANGE_DAYS} days.`
		);
	return { province, examArea: url.searchParams.get('area') || null, from, to };
}

export async function dashboardFor(user: StaffUser, url: URL): Promise<Dashboard> {
	const scope = scopeFor(user, askedScope(url, provincesFor(user)));
	const { db } = await database();
	const figures = await dashboard(db, scope);
	// An exam-area account sees only its own area in the choice of areas too.
	return user.examArea ? { ...figures, examAreas: [user.examArea] } : figures;
}
