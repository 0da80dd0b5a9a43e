// The approximate index of the duplicate-identity search on PostgreSQL with pgvector: one HNSW index (cosine) per
// province, partial on `province = '<code>'`, so a search walks only its province's graph. Created at start for
// every province the policies know (a province added later gets its index at the next start; until then its
// search is an exact scan of its rows, the same answer).
import { policies } from '../../core/policy/index.ts';

/** The search's HNSW parameters: how many candidates it keeps while walking the graph, and returns. */
export const FACE_INDEX = { efSearch: 100, limit: 20 } as const;

type RunScript = (sql: string) => Promise<Record<string, unknown>[]>;

/** Whether this database keeps embeddings as pgvector vectors (migration 030 on a server with pgvector). */
export const HAS_FACE_VECTORS = `select 1 from pg_attribute
	where attrelid = to_regclass('face_embeddings') and attname = 'face' and not attisdropped`;

export async function ensureFaceIndexes(run: RunScript): Promise<void> {
	if ((await run(HAS_FACE_VECTORS)).length === 0) return;
	for (const code of Object.keys(policies)) {
		if (!/^[a-z_]+$/.test(code)) throw new Error(`province code not usable in an index name: ${code}`);
		await run(
			`create index if not exists face_embeddings_hnsw_${code} on face_embeddings
			using hnsw (face vector_cosine_ops) where province = '${code}'`
		);
	}
}
