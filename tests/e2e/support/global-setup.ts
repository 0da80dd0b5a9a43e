import { registrationPhotoOf, convertClip } from './camera.ts';
import { e2eFixtures } from './spec-gate.ts';

export default function globalSetup(): void {
	// The specs left for a run without fixtures play no clip.
	if (e2eFixtures.notice) return;
	convertClip();
	registrationPhotoOf();
}
