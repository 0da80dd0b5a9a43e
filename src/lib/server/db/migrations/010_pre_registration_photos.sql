-- Fujian's pre-registration photo and its audit (issue 21): a new candidate uploads a registration photo on the
-- registration site, the office approves or rejects it; an approved photo becomes the reference photo (source
-- pre_registration). Every upload is a row, so the candidate's history and the day's uploads are counted here.
create table pre_registration_photos (
	id serial primary key,
	candidate_id integer not null references candidates (id) on delete cascade,
	sha256 text not null,
	jpeg bytea,
	status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
	-- Rejection reasons from the office's list, {code, zh, en}; the free text beside them.
	reasons jsonb not null default '[]'::jsonb,
	note text,
	uploaded_at timestamptz not null default now(),
	decided_at timestamptz,
	decided_by integer references staff_users (id)
);
alter table pre_registration_photos alter column jpeg set storage external;
-- The audit queue: pending uploads, oldest first.
create index pre_registration_photos_queue on pre_registration_photos (uploaded_at, id) where status = 'pending';
create index pre_registration_photos_candidate on pre_registration_photos (candidate_id, uploaded_at);

-- The registration site's sign-in of a candidate who must pre-register before any session starts: the cookie holds
-- a random token, the table its sha256.
create table pc_sign_ins (
	token_hash text primary key,
	candidate_id integer not null references candidates (id) on delete cascade,
	expires_at timestamptz not null
);
