// Masking of personal data in answers to a candidate's device: a link or screen can be seen by someone else, so it
// carries only what the candidate needs to recognise their own record.

/** 139****0000: enough to recognise one's own number, not enough to call it. */
export const maskPhone = (phone: string) =>
	phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';

/** 420102********1234: the region and the last four, enough to tell two records apart, not to use the number. */
export const maskIdNumber = (idNumber: string) =>
	idNumber.length >= 10 ? `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}` : '****';

/** Characters of the address kept (province, city and usually the district); the rest is masked. */
export const ADDRESS_KEPT = 6;
export const ADDRESS_MASK = '****';

export const maskAddress = (address: string) =>
	address.length <= ADDRESS_KEPT ? address : `${address.slice(0, ADDRESS_KEPT)}${ADDRESS_MASK}`;

/** The visible part of a masked address, or null for an address that is not masked. */
export const maskedAddressPrefix = (address: string): string | null =>
	address.endsWith(ADDRESS_MASK) ? address.slice(0, -ADDRESS_MASK.length) : null;
