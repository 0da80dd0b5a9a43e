-- Duplicate identity is searched across the candidate's province, not only the exam area: a stand-in (枪手) works
-- across a province. Every embedding row now says its province.
alter table face_embeddings add column province text;
update face_embeddings f set province = c.province from candidates c where c.id = f.candidate_id;
alter table face_embeddings alter column province set not null;
create index face_embeddings_province on face_embeddings (province);

-- Where the PostgreSQL server has pgvector (the embedded PGlite has not), each row also keeps its embedding as a
-- vector, filled from the stored float32 bytes by a trigger so the application writes the same row on both
-- databases; the per-province HNSW indexes on it are created at start (db/face-index.ts). Without pgvector the
-- search compares every embedding of the province: the same answer, slower.
do $migration$
begin
	if not exists (select 1 from pg_available_extensions where name = 'vector') then
		return;
	end if;
	create extension if not exists vector;
	-- Installed earlier in a schema this connection does not search: leave it to the exact scan.
	if to_regtype('vector') is null then
		return;
	end if;
	-- One big-endian float32 (float4send's bytes) at byte offset i, exactly: sign, exponent, mantissa.
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
	create function face_embeddings_set_face() returns trigger language plpgsql as $f$
	begin
		new.face := face_embedding_vector(new.vector);
		return new;
	end
	$f$;
	create trigger face_embeddings_face before insert or update of vector on face_embeddings
		for each row execute function face_embeddings_set_face();
end
$migration$;
