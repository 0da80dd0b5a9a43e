-- The exhaustive duplicate sweep (services/duplicate-sweep.ts): after the approximate search in the confirmation,
-- each embedding is compared once with every other embedding of its province, through its 512-bit face code
-- (core/face/face-code.ts, written with the row) and then the exact cosine. `swept_at` says it was; a sweeping
-- instance holds its rows until `sweep_lease_until`, so two instances never sweep the same row at once.
alter table face_embeddings add column if not exists code bit(512);
alter table face_embeddings add column if not exists swept_at timestamptz;
alter table face_embeddings add column if not exists sweep_lease_until timestamptz;
-- Rows recorded before the sweep existed were searched when they were confirmed; sweeping them all now would compare
-- every pair of a large province at once. They are marked swept, and their codes are filled in by the sweep (a row
-- without a code is compared exactly by every sweep until then).
update face_embeddings set swept_at = created_at where swept_at is null;
create index if not exists face_embeddings_unswept on face_embeddings (outcome_id) where swept_at is null;
create index if not exists face_embeddings_without_code on face_embeddings (outcome_id) where code is null;
