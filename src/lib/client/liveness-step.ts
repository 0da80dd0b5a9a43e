// The end of a liveness attempt on the phone: the live frame is compared with the faces the policy names (the ID
// card portrait, and the accepted photo where the photo is compared with the live face) at the policy's face-match
// threshold, then the flow's livenessVerdict decides the event. The screen dispatches what this returns.
import type { StepResult } from '../core/bundle/schema.ts';
import { livenessVerdict, type LivenessEvent } from '../core/flow/verdicts.ts';
import type { ResolvedPolicy } from '../core/policy/resolve.ts';
import { withFaceComparison } from './idcard.ts';
import { fileToImageData } from './images.ts';
import type { PhotoEvidence } from './phone-store.ts';

export interface LiveFaceReferences {
	idPortrait?: ImageData;
	photo?: PhotoEvidence;
}

export async function judgeLivenessAttempt(
	result: StepResult,
	failedReason: string,
	live: ImageData | null,
	references: LiveFaceReferences,
	resolved: ResolvedPolicy,
	signal?: AbortSignal
): Promise<{ event: LivenessEvent; result: StepResult }> {
	const threshold = resolved.thresholds.faceMatch;
	let compared = await withFaceComparison(
		result,
		'idPortrait',
		references.idPortrait,
		live,
		threshold,
		signal
	);
	if (resolved.photoComparisons.liveFace) {
		const photo = references.photo?.passed ? await fileToImageData(references.photo.output) : undefined;
		compared = await withFaceComparison(compared, 'photo', photo, live, threshold, signal);
	}
	return livenessVerdict(compared, failedReason);
}
