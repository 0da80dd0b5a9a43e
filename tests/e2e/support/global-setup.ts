import { registrationPhotoOf, convertClip } from './camera.ts';

export default function globalSetup(): void {
	convertClip();
	registrationPhotoOf();
}
