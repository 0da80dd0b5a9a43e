// The staff roles and their names, shared by the server's account rules and the staff pages.
import type { Text } from './text.ts';

export const STAFF_ROLES = ['reviewer', 'kiosk', 'office', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_ROLE_NAMES: Readonly<Record<StaffRole, Text>> = {
	reviewer: { zh: '审核员', en: 'Reviewer' },
	kiosk: { zh: '现场确认终端', en: 'On-site kiosk' },
	office: { zh: '考试机构（数据看板）', en: 'Exam office (dashboard)' },
	admin: { zh: '管理员', en: 'Admin' }
};

/** The province of a national account: it works on every province's records. */
export const ALL_PROVINCES = 'all';

/** Whether a credential's reach (its province, or ALL_PROVINCES) covers a record of `province`. */
export const reaches = (reach: string, province: string): boolean =>
	reach === ALL_PROVINCES || reach === province;

/** A username: what the sign-in form, the admin API and the accounts page accept. */
export const STAFF_USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
/** Staff passwords are typed by people and guessed by machines: a length floor, no composition rules. */
export const STAFF_PASSWORD_MIN = 12;
