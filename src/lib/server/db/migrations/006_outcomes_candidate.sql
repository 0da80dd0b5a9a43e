-- Counting a candidate's failed outcomes (the attempt limit, inside the submission's locked transaction) read the
-- whole outcomes table; with this index it reads that candidate's few rows.
create index if not exists outcomes_candidate on outcomes (candidate_id, result);
