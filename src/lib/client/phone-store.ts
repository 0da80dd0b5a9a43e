// The phone's in-progress state lives in IndexedDB, so a reload or a killed tab resumes at the same step.
// CryptoKey objects are stored as they are: the private key stays non-extractable.
import { openDB, type DBSchema } from 'idb';
import type { Challenge, SignedBundle } from '../core/bundle/schema.ts';

export interface PhoneRecord {
	name: string;
	idNumber: string;
	sex: string;
	ethnicity: string;
	birthDate: string;
	address: string;
	phone: string;
	major: string;
	examArea: string;
}

export interface PhoneState {
	token: string;
	sessionId: string;
	province: string;
	step: 'record' | 'camera' | 'submit' | 'done' | 'record_mismatch';
	record: PhoneRecord;
	challenge: Challenge;
	keys: CryptoKeyPair;
	probe?: { width: number; height: number; bytes: number; brightness: number; sharpness: number; ms: number };
	/** A signed bundle waiting for the network (sent once when it comes back). */
	pending?: SignedBundle;
	outcome?: string;
	updatedAt: number;
}

interface PhoneDb extends DBSchema {
	sessions: { key: string; value: PhoneState };
}

const dbPromise = () =>
	openDB<PhoneDb>('zikao-verify', 1, {
		upgrade(db) {
			db.createObjectStore('sessions', { keyPath: 'token' });
		}
	});

export async function loadPhoneState(token: string): Promise<PhoneState | undefined> {
	return (await dbPromise()).get('sessions', token);
}

export async function savePhoneState(state: PhoneState): Promise<void> {
	await (await dbPromise()).put('sessions', { ...state, updatedAt: Date.now() });
}
