// The emblem side's 有效期限: "2015.03.04-2025.03.04" or "2015.03.04-长期" (long-term, for people over 46).
import { parseLooseDate } from './dates.ts';
import { reason, type Reason } from './reasons.ts';

export interface ValidityPeriod {
	validFrom: string | null;
	validTo: string | '长期' | null;
}

/** Parses the 有效期限 text as OCR gives it (separators may be '-', '—', '至' or missing). */
export function parseValidity(text: string): ValidityPeriod {
	const t = text.replace(/\s+/g, '').replace(/[—–－~至]/g, '-');
	const dates = t.match(/\d{4}[.\-/年]?\d{2}[.\-/月]?\d{2}日?/g) ?? [];
	const validFrom = dates[0] ? parseLooseDate(dates[0].replace(/[-/]/g, '.')) : null;
	let validTo: string | '长期' | null = null;
	if (/长期|長期/.test(t)) validTo = '长期';
	else if (dates[1]) validTo = parseLooseDate(dates[1].replace(/[-/]/g, '.'));
	return { validFrom, validTo };
}

export interface ExpiryCheck {
	expired: boolean | null;
	reasons: Reason[];
}

/** A card is valid through the last day printed; '长期' never expires. `today` is 'YYYY-MM-DD'. */
export function checkExpiry(period: ValidityPeriod, today: string): ExpiryCheck {
	if (!period.validTo) {
		return {
			expired: null,
			reasons: [reason('validity.unreadable', '未能读出有效期限', 'The validity period could not be read')]
		};
	}
	if (period.validTo === '长期') return { expired: false, reasons: [] };
	const reasons: Reason[] = [];
	if (period.validFrom && period.validFrom > period.validTo) {
		reasons.push(
			reason('validity.order', '有效期限起止日期颠倒', 'The validity period ends before it starts')
		);
	}
	if (period.validFrom && period.validFrom > today) {
		reasons.push(reason('validity.not_yet', '证件尚未生效', 'The card is not valid yet'));
	}
	const expired = period.validTo < today;
	if (expired) {
		reasons.push(
			reason(
				'validity.expired',
				`身份证已于 ${period.validTo} 过期`,
				`The ID card expired on ${period.validTo}`
			)
		);
	}
	return { expired, reasons };
}
