// The identity authority's simulator, for development and tests: it holds the reference photos the server owns
// (source "authority" or any other) and answers as the real service would, with the similarity of the request's
// photo to the portrait on record (measured by our face model, answered on the authority's scale: scale.ts), or
// no_record. Served over HTTP by `simulatorHandler` so the HTTP client can be
// tested against a real server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cosineSimilarity } from '../../core/face/match.ts';
import type { FaceEngine } from '../../core/face/types.ts';
import type { Db } from '../db/index.ts';
import { embedJpegFaces, type JpegFaces } from '../face.ts';
import { referenceEmbeddingByIdNumber } from '../services/reference-photos.ts';
import { onAuthorityScale, type AuthorityScale } from './scale.ts';
import {
	AuthorityUnavailable,
	type AuthorityAnswer,
	type AuthorityWireAnswer,
	type AuthorityWireRequest,
	type IdentityAuthority
} from './types.ts';

/**
 * `embed` reads the request's photo: by default with `face` in this thread; the server passes its off-loop
 * embedder (photo-recheck-pool.ts), which also reuses the embedding its re-check just computed for the same bytes.
 */
export function simulatorAuthority(
	db: Db,
	face: () => Promise<FaceEngine> | null,
	scale: AuthorityScale,
	embed?: (jpeg: Uint8Array) => Promise<JpegFaces>
): IdentityAuthority {
	return {
		name: 'simulator',
		async check(request) {
			const engine = await face();
			if (!engine) throw new AuthorityUnavailable('the simulator needs the server face engine');
			const reference = await referenceEmbeddingByIdNumber(db, request.idNumber, async () => engine);
			if (!reference) return { kind: 'no_record' };
			const probe = await (embed ?? ((jpeg) => embedJpegFaces(engine, jpeg)))(request.photoJpeg).catch(
				() => null
			);
			const embedding = probe?.decodable ? probe.embedding : null;
			const cosine = embedding ? cosineSimilarity(embedding, reference) : 0;
			return { kind: 'similarity', similarity: onAuthorityScale(cosine, scale) };
		}
	};
}

/** The simulator as an HTTP endpoint speaking the authority's wire format (bearer token checked when given). */
export function simulatorHandler(authority: IdentityAuthority, token?: string) {
	return (req: IncomingMessage, res: ServerResponse) => {
		const reply = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'POST') return reply(405, { error: 'POST only' });
		if (token && req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'token' });
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			let body: AuthorityWireRequest;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AuthorityWireRequest;
			} catch {
				return reply(400, { error: 'json' });
			}
			authority
				.check({
					name: body.name,
					idNumber: body.idNumber,
					photoJpeg: new Uint8Array(Buffer.from(body.photo, 'base64'))
				})
				.then(
					(answer: AuthorityAnswer) =>
						reply(
							200,
							(answer.kind === 'no_record'
								? { result: 'no_record' }
								: { similarity: answer.similarity }) satisfies AuthorityWireAnswer
						),
					(error: unknown) => reply(503, { error: String(error) })
				);
		});
	};
}
