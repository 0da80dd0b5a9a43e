-- The in-memory face index's drift check reads each province's row count and highest outcome id every few minutes
-- (services/face-index-memory.ts); its build reads the province's rows in outcome id order. Both from this index.
create index if not exists face_embeddings_province_outcome on face_embeddings (province, outcome_id);
