import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe secret; only its sha256 is ever stored. */
export function newSecret(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}

export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}
