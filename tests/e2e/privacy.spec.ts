// Every request the phone page makes through a whole flow (Hubei: ID, digit clip, photo, signature): all go to
// the app's own origin, no ID image, frame or clip is ever sent, and the submission carries exactly the signed
// bundle, the final photo and the signature image.
import { expect, test, type Request } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { browserWithSpeaker, speakerClip } from './support/browser.ts';
import { startOnPc, DEMO_IDS } from './support/flow.ts';
import { registrationPhotoOf } from './support/camera.ts';
import { generatedCards } from './support/idcard.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	openPhoneAs,
	photo,
	signature,
	submit
} from './support/phone.ts';

interface Part {
	name: string;
	filename?: string;
	type?: string;
	body: Buffer;
}

function multipart(request: Request): Part[] {
	const type = request.headers()['content-type'] ?? '';
	const boundary = /boundary=(.+)$/.exec(type)?.[1];
	expect(boundary, 'multipart boundary').toBeTruthy();
	const body = request.postDataBuffer()!;
	const parts: Part[] = [];
	const sep = Buffer.from(`--${boundary}`);
	let at = body.indexOf(sep);
	while (at >= 0) {
		const next = body.indexOf(sep, at + sep.length);
		if (next < 0) break;
		const chunk = body.subarray(at + sep.length + 2, next - 2);
		const headerEnd = chunk.indexOf('\r\n\r\n');
		const headers = chunk.subarray(0, headerEnd).toString('utf8');
		parts.push({
			name: /name="([^"]+)"/.exec(headers)![1],
			filename: /filename="([^"]+)"/.exec(headers)?.[1],
			type: /content-type:\s*(\S+)/i.exec(headers)?.[1],
			body: chunk.subarray(headerEnd + 4)
		});
		at = next;
	}
	return parts;
}

test('the phone sends only same-origin requests, and only the bundle, final photo and signature', async ({
	page: pc,
	baseURL
}) => {
	// Hubei reads digits aloud: the camera and microphone play a speaker reading (voice and mouth decide).
	const browser = await browserWithSpeaker('lbbc2a');
	try {
		const link = await startOnPc(pc, DEMO_IDS.hubei);
		const requests: Request[] = [];
		const phone = await openPhoneAs(browser, link, 'hubei', (context) =>
			context.on('request', (r) => requests.push(r))
		);

		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait']);
		await liveness(phone);
		await photo(phone);
		await signature(phone);
		await submit(phone);
		await expectStatus(phone, 'done');

		const origin = new URL(baseURL!).origin;
		const network = requests.filter((r) => !/^(data|blob):/.test(r.url()));
		expect(network.length).toBeGreaterThan(5);
		for (const r of network) expect(new URL(r.url()).origin, r.url()).toBe(origin);

		// Only three kinds of request carry a body: opening the link (the device's public key), the signed record
		// of the documents accepted, and the submission; after a confirmation also the signed question where it
		// stands, which names the session and nothing about the person.
		const withBody = network.filter((r) => r.postDataBuffer()?.length);
		const asked = withBody.filter((r) => r.url().endsWith('/api/phone/status'));
		for (const r of asked)
			expect(Object.keys(JSON.parse(r.postData()!).payload).sort()).toEqual([
				'challenge',
				'sessionId',
				'signedAt',
				'type',
				'version'
			]);
		expect(
			withBody
				.filter((r) => !asked.includes(r))
				.map((r) => new URL(r.url()).pathname)
				.sort()
		).toEqual(['/api/phone/consent', '/api/phone/open', '/api/phone/submit']);
		const open = JSON.parse(withBody.find((r) => r.url().endsWith('/open'))!.postData()!);
		expect(Object.keys(open).sort()).toEqual(['publicKey', 'token']);
		expect(open.publicKey.d, 'the private key never leaves the phone').toBeUndefined();
		// The consent carries the document versions and the signature, nothing about the person.
		const consentBody = JSON.parse(withBody.find((r) => r.url().endsWith('/consent'))!.postData()!);
		expect(Object.keys(consentBody).sort()).toEqual(['alg', 'payload', 'signature']);
		expect(Object.keys(consentBody.payload).sort()).toEqual([
			'challenge',
			'faceProcessing',
			'sessionId',
			'signedAt',
			'type',
			'version',
			'versions'
		]);

		// The card pictures the phone read (generated for the demo candidate): none of their bytes may travel.
		expect(generatedCards.length).toBeGreaterThan(0);
		const idBytes = generatedCards.map((file) => readFileSync(file).subarray(1000, 1064));
		for (const r of withBody) {
			const body = r.postDataBuffer()!;
			for (const slice of idBytes) expect(body.includes(slice), `ID image bytes in ${r.url()}`).toBe(false);
			// No video container (WebM/Matroska EBML header, MP4 ftyp) in any body.
			expect(body.includes(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))).toBe(false);
			expect(body.includes(Buffer.from('ftyp'))).toBe(false);
		}

		const parts = multipart(withBody.find((r) => r.url().endsWith('/submit'))!);
		expect(parts.map((p) => p.name).sort()).toEqual(['bundle', 'photo', 'signature']);
		const photoPart = parts.find((p) => p.name === 'photo')!;
		expect(photoPart.body.equals(readFileSync(registrationPhotoOf(speakerClip('lbbc2a'))))).toBe(true);
		const sig = parts.find((p) => p.name === 'signature')!;
		expect(sig.type).toBe('image/png');
		expect(sig.body.subarray(1, 4).toString('latin1')).toBe('PNG');
		const bundle = JSON.parse(parts.find((p) => p.name === 'bundle')!.body.toString('utf8'));
		expect(Object.keys(bundle).sort()).toEqual(['alg', 'payload', 'signature']);
		expect(bundle.payload.steps.map((s: { kind: string }) => s.kind)).toEqual([
			'record',
			'idcard',
			'liveness',
			'photo',
			'signature'
		]);
		// Results only: no long strings that could hide an image or a clip.
		const longest = Math.max(
			...JSON.stringify(bundle.payload)
				.match(/"[^"]*"/g)!
				.map((s) => s.length)
		);
		expect(longest).toBeLessThan(600);
		expect(
			bundle.payload.steps.find((s: { kind: string }) => s.kind === 'liveness').details.clipKeptOnPhone
		).toBe(true);
	} finally {
		await browser.close();
	}
});
