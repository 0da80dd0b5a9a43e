-- Failed attempts the phone reports during a session (POST /api/phone/attempt), as signed mini-bundles: the server
-- counts them against the policy's attempt limit together with failed final submissions.
create table failed_attempts (
	id serial primary key,
	session_id uuid not null references verification_sessions (id),
	candidate_id integer not null references candidates (id),
	-- The phone's number for this attempt within the session: one report per attempt, however often it is resent.
	attempt_no integer not null,
	step_kind text not null,
	-- What the policy's limit calls it: 'liveness' | 'face_match' | 'photo_match' | 'identity_check'.
	category text not null,
	-- Whether the province's limit counts this kind of failure.
	counted boolean not null,
	bundle jsonb not null,
	bundle_sha256 text not null unique,
	recorded_at timestamptz not null default now(),
	unique (session_id, attempt_no)
);
create index failed_attempts_candidate on failed_attempts (candidate_id, counted);
