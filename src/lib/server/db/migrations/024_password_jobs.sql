-- The one-time password of a confirmation (Hubei) is drawn, hashed and sent by a job after the outcome commits, not in
-- the request (issue 19 item 4). recordOutcome inserts the job in the statement that confirms; any instance claims it
-- with a lease ("for update skip locked"), so a server that dies after the commit leaves the job to another.
-- Numbered 024 to stay clear of migrations other branches add meanwhile.
create table if not exists password_jobs (
	outcome_id integer primary key references outcomes (id),
	candidate_id integer not null references candidates (id),
	lease_until timestamptz,
	attempts integer not null default 0,
	last_error text,
	sent_at timestamptz,
	created_at timestamptz not null default now()
);
create index if not exists password_jobs_pending on password_jobs (created_at) where sent_at is null;
