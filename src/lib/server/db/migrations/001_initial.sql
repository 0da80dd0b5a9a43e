-- Registration records as the province's registration system knows them.
create table candidates (
	id serial primary key,
	id_number text not null unique,
	name text not null,
	sex text not null,
	ethnicity text not null,
	birth_date text not null check (birth_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	address text not null,
	phone text not null,
	major text not null,
	exam_area text not null,
	province text not null,
	admission_number text unique,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);

-- One identity confirmation: created from the PC (or SMS login), continued on the phone through a one-time link.
create table verification_sessions (
	id uuid primary key,
	candidate_id integer not null references candidates (id),
	province text not null,
	status text not null default 'pending',
	-- sha256 of the phone-link token: the token itself is never stored.
	token_hash text not null unique,
	token_expires_at timestamptz not null,
	token_used_at timestamptz,
	-- sha256 of the PC's polling secret (cookie), so only that browser sees the status.
	pc_secret_hash text not null,
	device_public_key jsonb,
	challenge jsonb,
	created_at timestamptz not null default now(),
	completed_at timestamptz
);
create index verification_sessions_candidate on verification_sessions (candidate_id);

-- The recorded result of a session: exactly one per session (the unique key makes a replay a no-op).
create table outcomes (
	id serial primary key,
	session_id uuid not null unique references verification_sessions (id),
	candidate_id integer not null references candidates (id),
	result text not null,
	bundle jsonb not null,
	bundle_sha256 text not null unique,
	recorded_at timestamptz not null default now()
);

-- Every security-relevant event, including rejected submissions (which record nothing else).
create table audit_log (
	id bigserial primary key,
	at timestamptz not null default now(),
	actor text not null,
	action text not null,
	session_id uuid,
	detail jsonb not null default '{}'::jsonb
);
create index audit_log_session on audit_log (session_id);
