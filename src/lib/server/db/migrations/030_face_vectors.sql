-- Duplicate identity is searched across the candidate's province, not only the exam area: a stand-in (枪手) works
-- across a province. Every embedding row now says its province.
alter table face_embeddings add column province text;
update face_embeddings f set province = c.province from candidates c where c.id = f.candidate_id;
alter table face_embeddings alter column province set not null;
create index face_embeddings_province on face_embeddings (province);
-- The exam area is no longer searched by.
drop index if exists face_embeddings_area;

-- The vector column and its indexes, where the server has pgvector, are set up at every start (db/face-index.ts), so a
-- server that gets pgvector later gets them at its next start.
