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

/** A password to hand over once: 16 characters from an alphabet without look-alikes (0/O, 1/l/I), ~93 bits. */
export function generateStaffPassword(): string {
	const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
	// 256 is not a multiple of the alphabet's 56 letters: bytes past the last whole multiple are drawn again.
	const limit = 256 - (256 % alphabet.length);
	let password = '';
	while (password.length < 16)
		for (const b of crypto.getRandomValues(new Uint8Array(16)))
			if (b < limit && password.length < 16) password += alphabet[b % alphabet.length];
	return password;
}
