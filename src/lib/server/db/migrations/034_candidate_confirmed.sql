-- Whether a candidate is confirmed is read by the statement that locks the candidate's row. Under READ COMMITTED
-- that statement sees the newest version of the row it waited for but every other table as of its start, so a
-- subquery over outcomes could miss a confirmation committed while it waited. A column of the locked row cannot.
alter table candidates add column if not exists confirmed_at timestamptz;
update candidates set confirmed_at = (
	select min(recorded_at) from outcomes where outcomes.candidate_id = candidates.id and outcomes.result = 'confirmed'
) where confirmed_at is null;
-- The rule itself, kept by the database whatever path writes an outcome: one confirmation per candidate.
create unique index if not exists outcomes_one_confirmed on outcomes (candidate_id) where result = 'confirmed';
