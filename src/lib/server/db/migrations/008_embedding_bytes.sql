-- Face embeddings as their float32 bytes (big-endian, as float4send writes them) instead of real[]: the duplicate
-- check reads every embedding of the exam area on each submission, and as text a 512-number array took ~0.6 ms
-- to format, send and parse back per row (an area of 5,000 candidates: 2.8 s of CPU per submission, measured on
-- PGlite). The float32 values are the same, so the similarities are too.
alter table face_embeddings add column vector bytea;
update face_embeddings
set vector = (select string_agg(float4send(e), ''::bytea order by i) from unnest(embedding) with ordinality as t (e, i));
alter table face_embeddings alter column vector set not null;
alter table face_embeddings alter column vector set storage external;
alter table face_embeddings drop column embedding;
