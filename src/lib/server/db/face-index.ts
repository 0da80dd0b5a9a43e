// The approximate index of the duplicate-identity search on PostgreSQL with pgvector. Each embedding row also keeps
// its embedding as a vector, filled from the stored float32 bytes by a trigger so the application writes the same
// row on both databases (PGlite has no vector extension), and one HNSW index (cosine) per province, partial on
// `province = '<code>'`, lets a search walk only its province's graph. Set up at every start, under the migration
// lock: a server that gets pgvector later, or a province added to the policies, gets them at the next start (until
// then that search is an exact scan of the province's rows: the same answer, slower).
import { policies } from '../../core/policy/index.ts';

/**
 * The search's HNSW candidate list (ef_search, chosen by tests/bench/duplicates.bench.ts) and how many of the
 * nearest embeddings a search returns, on either database.
 */
export const FACE_INDEX = { efSearch: 200, limit: 20 } as const;

/**
 * The in-memory hnswlib index of the embedded database (PGlite, no pgvector; services/face-index-memory.ts), searched
 * at FACE_INDEX.efSearch. ef_construction 200, not pgvector's 64: at 64 it missed stand-ins that a longer search
 * did not find either (models/notes/pglite-index.md). The seed makes a rebuild give the same graph. Every
 * driftCheckMs each ready index's count and highest label are compared with its province's rows, and an index that
 * differs is rebuilt (rows written or deleted behind its back: an operator's SQL, a restored backup).
 */
export const MEMORY_FACE_INDEX = {
	space: 'cosine',
	m: 16,
	efConstruction: 200,
	seed: 100,
	driftCheckMs: 5 * 60_000
} as const;

type RunScript = (sql: string) => Promise<Record<string, unknown>[]>;

/** Whether this database keeps embeddings as pgvector vectors (migration 030 on a server with pgvector). */
export const HAS_FACE_VECTORS = `select 1 from pg_attribute
	where attrelid = to_regclass('face_embeddings') and attname = 'face' and not attisdropped`;

/**
 * The setting in which the duplicate search hands the trigger its embedding as pgvector text, after the sha256 of
 * its float32 bytes, for the rest of the recording transaction (services/duplicates.ts, `settingColumns`).
 */
export const FACE_HANDOFF_SETTING = 'zv.face_embedding';

/**
 * The trigger's function: the vector from the handed-over text when its hash is that of the row's bytes (pgvector
 * parses it in microseconds), else decoded from the bytes in SQL (milliseconds: 512 calls of a SQL function). A
 * stale or foreign setting cannot give a row another face than its bytes, only the slower path.
 */
const SET_FACE_FUNCTION = `create or replace function face_embeddings_set_face() returns trigger language plpgsql as $f$
	declare
		handed text := current_setting('${FACE_HANDOFF_SETTING}', true);
	begin
		if handed like '% %' and split_part(handed, ' ', 1) = encode(sha256(new.vector), 'hex') then
			new.face := split_part(handed, ' ', 2)::vector;
		else
			new.face := face_embedding_vector(new.vector);
		end if;
		return new;
	end
	$f$`;

/**
 * The vector column, its trigger and its backfill, once, where the server has pgvector. The float decoder is exact
 * (sign, exponent, mantissa of float4send's big-endian bytes, subnormals too).
 */
const FACE_VECTORS = `do $setup$
begin
	if not exists (select 1 from pg_available_extensions where name = 'vector') then
		return;
	end if;
	create extension if not exists vector;
	-- Installed earlier in a schema this connection does not search: leave it to the exact scan.
	if to_regtype('vector') is null then
		return;
	end if;
	create function face_embedding_float(b bytea, i integer) returns real
	language sql immutable strict parallel safe as $f$
		select (case when get_byte(b, i) >= 128 then -1 else 1 end * case
			when e = 0 then m * 2 ^ -149
			else (8388608 + m) * 2 ^ (e - 150) end)::real
		from (select ((get_byte(b, i) & 127) << 1) | (get_byte(b, i + 1) >> 7) as e,
			((get_byte(b, i + 1) & 127) << 16) | (get_byte(b, i + 2) << 8) | get_byte(b, i + 3) as m) as parts
	$f$;
	create function face_embedding_vector(b bytea) returns vector
	language sql immutable strict parallel safe as $f$
		select array_agg(face_embedding_float(b, i * 4) order by i)::real[]::vector
		from generate_series(0, octet_length(b) / 4 - 1) as i
	$f$;
	alter table face_embeddings add column face vector(512);
	update face_embeddings set face = face_embedding_vector(vector);
	${SET_FACE_FUNCTION};
	create trigger face_embeddings_face before insert or update of vector on face_embeddings
		for each row execute function face_embeddings_set_face();
end
$setup$`;

/** The vector column where the server has pgvector; true when the database has it (now or from before). */
export async function ensureFaceVectors(run: RunScript): Promise<boolean> {
	if ((await run(HAS_FACE_VECTORS)).length === 0) await run(`begin; ${FACE_VECTORS}; commit;`);
	if ((await run(HAS_FACE_VECTORS)).length === 0) return false;
	// A database set up by an earlier version has the trigger function that always decodes: replaced at start.
	await run(SET_FACE_FUNCTION);
	return true;
}

/**
 * A province's HNSW index (cosine, full precision). Half precision (halfvec) halves the index and its build time
 * but missed a poor stand-in photo that full precision finds at the same ef_search (models/notes/duplicates.md).
 */
export function faceIndexSql(code: string): string {
	if (!/^[a-z_]+$/.test(code)) throw new Error(`province code not usable in an index name: ${code}`);
	return `create index if not exists face_embeddings_hnsw_${code} on face_embeddings
		using hnsw (face vector_cosine_ops) where province = '${code}'`;
}

/** The vector column and every province's index, where the server has pgvector; true when it has them. */
export async function ensureFaceIndexes(run: RunScript): Promise<boolean> {
	if (!(await ensureFaceVectors(run))) return false;
	for (const code of Object.keys(policies)) {
		await run(faceIndexSql(code));
	}
	return true;
}
