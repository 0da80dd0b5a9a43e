// The province policy the phone follows: the province's own, with the liveness evidence the server asked for when
// the link was opened (the server decides what it checks; its test mode turns evidence on for every province), and
// the colour challenge it asks for.
import { findPolicy } from '../core/policy/index.ts';
import { withLivenessColour, withLivenessEvidence } from '../core/policy/resolve.ts';
import type { ProvincePolicy } from '../core/policy/types.ts';
import type { PhoneState } from './phone-store.ts';

export function phonePolicy(
	phone: Pick<PhoneState, 'flow' | 'livenessEvidence' | 'livenessColour'>
): ProvincePolicy | null {
	const policy = findPolicy(phone.flow.policyId);
	return (
		policy && withLivenessColour(withLivenessEvidence(policy, phone.livenessEvidence), phone.livenessColour)
	);
}
