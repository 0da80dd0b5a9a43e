// Files and bodies one client sends to make the server decode, parse or hold far more than it should: a JPEG whose
// frame is thousands of pixels wide in a few kilobytes, as the photo or as a liveness crop, a multipart body of
// thousands of parts, JSON nested thousands deep, a body without a length. Each is refused (or judged) at its
// declared size, the server's memory does not jump by what the bomb would decode to, and it still answers others.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUploadFile } from '../../src/lib/core/photo/file-checks.ts';
import { hubeiPhotoSpec } from '../../src/lib/core/photo/spec.ts';
import { testServer, type TestServer } from '../integration/test-server.ts';
import { forge, inkedSignature, outcomeEventsOf, registerCandidate, type Answer } from './client.ts';
import { fixtureBytes } from './forgeries.ts';

let ts: TestServer;
let origin = '';

beforeAll(async () => {
	// Liveness crops on for every province, one blink: four crops a bundle.
	ts = await testServer(3500, { ZV_E2E: '1', ZV_TEST_EVIDENCE_FRAMES: '1', ZV_TEST_LIVENESS: '["blink"]' });
	origin = ts.server.origin;
	// Warm: the photo workers and the face engines load on first use, and that memory is not the attacks'.
	const crop = await greyJpeg(128);
	const ids = await Promise.all([1, 2, 3].map(() => registerCandidate(origin, 'hubei', reference())));
	const signature = await inkedSignature();
	await Promise.all(
		ids.map((id) =>
			forge(origin, ts.cookie, id, { photo: compliantPhoto(), signature, evidence: [crop, crop, crop, crop] })
		)
	);
}, 240_000);
afterAll(() => ts?.close());

/** A plain grey JPEG of `side` x `side` pixels: a few bytes per thousand pixels, 4 bytes a pixel decoded. */
const greyJpeg = async (side: number) =>
	new Uint8Array(
		await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } })
			.toColourspace('b-w')
			.jpeg({ quality: 1 })
			.toBuffer()
	);

const rssMiB = () =>
	Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${ts.server.child.pid}/status`, 'utf8'))![1]) / 1024;

/** How far the server's resident memory rose above its level before `attack`, sampled while it ran. */
async function memoryRise<T>(attack: () => Promise<T>): Promise<{ result: T; riseMiB: number }> {
	const before = rssMiB();
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 5);
	try {
		const result = await attack();
		return { result, riseMiB: Math.max(peak, rssMiB()) - before };
	} finally {
		clearInterval(sampler);
	}
}

/** Another client is still answered: the staff's own account. */
async function expectServing() {
	const me = await fetch(`${origin}/api/staff/me`, { headers: { cookie: ts.cookie } });
	expect(me.status).toBe(200);
}

/**
 * POSTs `total` bytes (`head` then filler) chunked, without a length, as fast as the server takes them; resolves
 * with the answer and how much was sent by then.
 */
function streamed(path: string, contentType: string, total: number, head = '--x\r\n') {
	const url = new URL(path, origin);
	return new Promise<{ status: number; text: string; sent: number }>((resolve, reject) => {
		const req = request(url, {
			method: 'POST',
			headers: { origin, 'content-type': contentType, 'transfer-encoding': 'chunked' }
		});
		let sent = 0;
		let answered = false;
		req.on('response', (res) => {
			answered = true;
			const sentThen = sent;
			let text = '';
			res.on('data', (d) => (text += d));
			res.on('end', () => {
				resolve({ status: res.statusCode!, text, sent: sentThen });
				req.destroy();
			});
		});
		// The server closes the connection after its answer: writing may fail first, the answer still comes.
		req.on('error', () => {});
		req.on('close', () => (answered ? undefined : reject(new Error('closed without an answer'))));
		const chunk = Buffer.alloc(64 * 1024, 0x61);
		const write = () => {
			while (!answered && sent < total) {
				const piece = sent === 0 ? Buffer.concat([Buffer.from(head), chunk]) : chunk;
				sent += piece.length;
				if (!req.write(piece)) return void req.once('drain', write);
			}
			if (!answered) req.end();
		};
		write();
	});
}

/** A PNG chunk: length, type, data, CRC. */
function pngChunk(type: string, data: Uint8Array): Buffer {
	const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typed));
	return Buffer.concat([length, typed, crc]);
}

/** A PNG by hand: an RGBA header of `width` x `height`, then `chunks`, then the end. */
function handPng(width: number, height: number, chunks: Buffer[]): Uint8Array {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 6, 0, 0, 0], 8);
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return new Uint8Array(
		Buffer.concat([signature, pngChunk('IHDR', header), ...chunks, pngChunk('IEND', new Uint8Array())])
	);
}

/** The inked signature with `chunk` after its header. */
async function signatureWith(chunk: Buffer): Promise<Uint8Array> {
	const png = Buffer.from(await inkedSignature());
	return new Uint8Array(Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]));
}

const reference = () => ({
	jpeg: fixtureBytes('idphotos', 'blue_bg_man_original_358x441.jpg'),
	source: 'previous_registration' as const
});
const compliantPhoto = () => fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg');

describe('decompression bombs in the phone submission', () => {
	it('a 60 KB photo of 4000x4000 pixels gets its file reasons only, its pixels never decoded', async () => {
		const bomb = await greyJpeg(4000);
		expect(bomb.length).toBeLessThan(100 * 1024);
		const ids = await Promise.all([1, 2, 3].map(() => registerCandidate(origin, 'hubei')));
		const signature = await inkedSignature();
		const { result, riseMiB } = await memoryRise(() =>
			Promise.all(ids.map((id) => forge(origin, ts.cookie, id, { photo: bomb, signature })))
		);
		const fileReasons = checkUploadFile(bomb, hubeiPhotoSpec).reasons.map((r) => r.en);
		for (const a of result) {
			expect(a.status, JSON.stringify(a.body)).toBe(422);
			expect(a.body.error?.code).toBe('photo_rejected');
			expect(a.body.error?.en).toBe(`The photo failed the server's re-check: ${fileReasons.join('; ')}`);
		}
		// Three decoded at once would be 3 x 64 MB of RGBA alone.
		expect(riseMiB, `the server's memory rose by ${riseMiB.toFixed(0)} MiB`).toBeLessThan(48);
		for (const id of ids) expect(await outcomeEventsOf(origin, id)).toEqual([]);
		await expectServing();
	}, 180_000);

	it('liveness crops of 2400x2400 pixels in 24 KB are judged without decoding them', async () => {
		const crop = await greyJpeg(2400);
		expect(crop.length).toBeLessThanOrEqual(24 * 1024);
		const ids = await Promise.all([1, 2, 3].map(() => registerCandidate(origin, 'hubei', reference())));
		const signature = await inkedSignature();
		const photo = compliantPhoto();
		const evidence = [crop, crop, crop, crop];
		const { result, riseMiB } = await memoryRise(() =>
			Promise.all(ids.map((id) => forge(origin, ts.cookie, id, { photo, signature, evidence })))
		);
		for (const a of result) {
			expect(a.status, JSON.stringify(a.body)).toBe(200);
			expect(a.body.outcome).toBe('failed');
			expect(a.body.reasons?.map((r) => r.code)).toContain('evidence_no_face');
		}
		// Three submissions' crops decoded at once would be 3 x 22 MB of RGBA, and more on the way to it.
		expect(riseMiB, `the server's memory rose by ${riseMiB.toFixed(0)} MiB`).toBeLessThan(40);
		await expectServing();
	}, 180_000);

	it('a truncated photo is refused as damaged', async () => {
		const id = await registerCandidate(origin, 'hubei');
		const photo = compliantPhoto();
		const a: Answer = await forge(origin, ts.cookie, id, {
			photo: photo.slice(0, Math.floor(photo.length * 0.6)),
			signature: await inkedSignature()
		});
		expect(a.status, JSON.stringify(a.body)).toBe(422);
		expect(a.body.error?.en).toContain('The file is damaged and cannot be decoded');
		await expectServing();
	}, 60_000);
});

describe('photo files of unusual kinds', () => {
	it('CMYK, greyscale, progressive JPEGs and a GIF of 480x640 are judged (422 with reasons)', async () => {
		const photo = sharp(compliantPhoto());
		const files = [
			await photo.clone().toColourspace('cmyk').jpeg().toBuffer(),
			await photo.clone().toColourspace('b-w').jpeg().toBuffer(),
			await photo.clone().jpeg({ progressive: true, quality: 40 }).toBuffer(),
			await photo.clone().gif().toBuffer()
		];
		const ids = await Promise.all(files.map(() => registerCandidate(origin, 'hubei')));
		const signature = await inkedSignature();
		for (const [i, file] of files.entries()) {
			const a = await forge(origin, ts.cookie, ids[i], { photo: new Uint8Array(file), signature });
			expect(a.status, JSON.stringify(a.body)).toBe(422);
			expect(a.body.error?.code).toBe('photo_rejected');
		}
		await expectServing();
	}, 120_000);
});

describe('bodies built to be expensive to parse', () => {
	const submit = (body: BodyInit, headers: Record<string, string> = {}) =>
		fetch(`${origin}/api/phone/submit`, {
			method: 'POST',
			body,
			headers: { origin, ...headers },
			duplex: 'half'
		} as RequestInit);

	it('a multipart body of 10,000 parts (1 MB) is refused at the first part it does not take', async () => {
		const form = new FormData();
		for (let i = 0; i < 10_000; i++) form.append(`f${i}`, 'x');
		const r = await submit(form);
		expect(r.status).toBe(400);
		expect(((await r.json()) as Answer['body']).error?.code).toBe('field_not_accepted');
		await expectServing();
	}, 60_000);

	it('a bundle nested 100,000 deep is refused as malformed, not a stack overflow', async () => {
		const form = new FormData();
		form.append('bundle', '['.repeat(100_000) + ']'.repeat(100_000));
		const r = await submit(form);
		expect(r.status).toBe(400);
		expect(((await r.json()) as Answer['body']).error?.code).toBe('malformed');
		await expectServing();
	}, 60_000);

	it('a multipart body streamed without a length is refused as too large once past the limit', async () => {
		const a = await streamed('/api/phone/submit', 'multipart/form-data; boundary=x', 16 * 1024 * 1024);
		expect(a.status, a.text).toBe(413);
		expect(JSON.parse(a.text).error.code).toBe('too_large');
		expect(a.sent).toBeLessThan(16 * 1024 * 1024);
		await expectServing();
	}, 60_000);

	it('a JSON body streamed without a length is held to the route limit (64 KB), not the adapter one (2 MB)', async () => {
		const a = await streamed('/api/staff/login', 'application/json', 1024 * 1024, '{"username":"');
		expect(a.status, a.text).toBe(413);
		expect(JSON.parse(a.text).error.code).toBe('too_large');
		await expectServing();
	}, 60_000);
});

describe('signature files that are not what a signature pad draws', () => {
	/** A Hubei submission with `signature`, its crops small and faceless (held for review when all else passes). */
	async function withSignature(signature: Uint8Array): Promise<Answer> {
		const id = await registerCandidate(origin, 'hubei');
		const crop = await greyJpeg(128);
		return forge(origin, ts.cookie, id, {
			photo: compliantPhoto(),
			signature,
			evidence: [crop, crop, crop, crop]
		});
	}
	const rows = (n: number, width: number) => deflateSync(Buffer.alloc(n * (1 + 4 * width)));

	it('a 200-byte PNG declaring 30000x30000 pixels is refused unread (signature_invalid)', async () => {
		const a = await withSignature(handPng(30_000, 30_000, [pngChunk('IDAT', rows(2, 30_000))]));
		expect(a.status, JSON.stringify(a.body)).toBe(400);
		expect(a.body.error?.code).toBe('signature_invalid');
		await expectServing();
	}, 60_000);

	it('a PNG declaring 1800x1800 with rows for 10 is refused (signature_invalid)', async () => {
		const a = await withSignature(handPng(1800, 1800, [pngChunk('IDAT', rows(10, 1800))]));
		expect(a.status, JSON.stringify(a.body)).toBe(400);
		expect(a.body.error?.code).toBe('signature_invalid');
	}, 60_000);

	it('a signature with a 380 KB zTXt chunk inflating to 400 MB is judged on its pixels alone', async () => {
		const text = Buffer.concat([
			Buffer.from('Comment\0\0', 'latin1'),
			deflateSync(Buffer.alloc(400_000_000))
		]);
		const signature = await signatureWith(pngChunk('zTXt', text));
		const { result, riseMiB } = await memoryRise(() => withSignature(signature));
		expect(result.status, JSON.stringify(result.body)).toBe(200);
		expect(result.body.outcome).toBe('review');
		expect(riseMiB, `the server's memory rose by ${riseMiB.toFixed(0)} MiB`).toBeLessThan(48);
	}, 60_000);

	it('the inked signature as greyscale, 16-bit RGBA and 16-bit grey PNG is read as the same ink', async () => {
		const inked = await inkedSignature();
		for (const png of [
			await sharp(inked).flatten({ background: '#fff' }).toColourspace('b-w').png().toBuffer(),
			await sharp(inked).toColourspace('rgb16').png().toBuffer(),
			await sharp(inked).flatten({ background: '#fff' }).toColourspace('grey16').png().toBuffer()
		]) {
			const a = await withSignature(new Uint8Array(png));
			expect(a.status, JSON.stringify(a.body)).toBe(200);
			expect(a.body.outcome).toBe('review');
		}
	}, 60_000);
});
