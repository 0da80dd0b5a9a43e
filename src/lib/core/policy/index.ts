// Lookup of province policies by id.
import { beijing } from './beijing.ts';
import { fujian } from './fujian.ts';
import { hubei } from './hubei.ts';
import type { ProvincePolicy } from './types.ts';

export const policies: Readonly<Record<string, ProvincePolicy>> = { fujian, hubei, beijing };

export function getPolicy(id: string): ProvincePolicy {
	const policy = policies[id];
	if (!policy)
		throw new Error(`unknown province policy "${id}" (known: ${Object.keys(policies).join(', ')})`);
	return policy;
}

export function findPolicy(id: string): ProvincePolicy | null {
	return policies[id] ?? null;
}

export type * from './types.ts';
export { beijing, fujian, hubei };
