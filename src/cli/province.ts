// `--province P`: the province's resolved policy, as the phone and the server read it; an unknown one is a usage error.
import { resolvePolicy, UnknownProvinceError, type ResolvedPolicy } from '../lib/core/policy/resolve.ts';
import { CliError } from './errors.ts';

export function cliPolicy(province: string): ResolvedPolicy {
	try {
		return resolvePolicy(province);
	} catch (e) {
		if (e instanceof UnknownProvinceError) throw new CliError(e.message, 2);
		throw e;
	}
}
