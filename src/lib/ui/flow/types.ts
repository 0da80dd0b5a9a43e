// What every flow screen receives from the phone page: the saved state, the province policy, and one way to move.
import type { PhoneState } from '$lib/client/phone-store';
import type { FlowEvent } from '$lib/core/flow';
import type { ProvincePolicy } from '$lib/core/policy';

export type Dispatch = (
	event: FlowEvent extends infer E ? (E extends { at: number } ? Omit<E, 'at'> : never) : never,
	patch?: Partial<PhoneState>
) => Promise<void>;

export interface ScreenProps {
	phone: PhoneState;
	policy: ProvincePolicy;
	dispatch: Dispatch;
	/** Saves data for the current step without moving the flow (e.g. the liveness challenge of this attempt). */
	save: (patch: Partial<PhoneState>) => Promise<void>;
}
