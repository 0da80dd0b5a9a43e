-- Issue 7: challenges, attempt limits, outcomes with admission numbers, SMS, staff, review, retention, registration API.

-- Where a session came from (the PC QR page, a kiosk operator, an SMS-code login) and who started it.
alter table verification_sessions add column origin text not null default 'pc';
alter table verification_sessions add column started_by integer;

-- The candidate's one-time password for the exam system: only a scrypt hash is kept.
alter table candidates add column password_hash text;
-- Returning candidates (在籍考生) keep the admission number the registration system gave them.
alter table candidates add column returning_candidate boolean not null default false;
-- Set when the attempt limit is reached: 'manual_review' | 'on_site' | 'contact_office'.
alter table candidates add column online_blocked text;
create index candidates_name on candidates (name);
create index candidates_exam_area on candidates (exam_area);

-- Review state of an outcome: 'none' (nothing to review), 'pending', 'approved', 'rejected'.
alter table outcomes add column review_status text not null default 'none';
alter table outcomes add column review_reasons jsonb not null default '[]'::jsonb;
alter table outcomes add column review_comment text;
alter table outcomes add column reviewed_by integer;
alter table outcomes add column reviewed_at timestamptz;
alter table outcomes add column admission_number text;
create index outcomes_review on outcomes (review_status);

-- Audit entries name the candidate too, so per-candidate limits can count them (a rejection records only this).
alter table audit_log add column candidate_id integer;
create index audit_log_candidate on audit_log (candidate_id, action, at);

-- The final photo and the signature image: the only images the server keeps, deleted after the retention period.
create table attachments (
	id serial primary key,
	outcome_id integer not null references outcomes (id),
	kind text not null check (kind in ('photo', 'signature')),
	sha256 text not null,
	bytes bytea,
	deleted_at timestamptz,
	created_at timestamptz not null default now(),
	unique (outcome_id, kind)
);

-- Face embeddings of final photos, for the duplicate-identity check within an exam area.
create table face_embeddings (
	outcome_id integer primary key references outcomes (id),
	candidate_id integer not null references candidates (id),
	exam_area text not null,
	embedding real[] not null,
	created_at timestamptz not null default now()
);
create index face_embeddings_area on face_embeddings (exam_area);

-- Admission numbers are allocated from one counter per province and year (update ... returning is atomic).
create table admission_counters (
	province text not null,
	year integer not null,
	next_value integer not null,
	primary key (province, year)
);

-- Development SMS outbox (and the record of what the HTTP gateway was asked to send).
create table sms_outbox (
	id serial primary key,
	phone text not null,
	body text not null,
	via text not null,
	status text not null default 'sent',
	error text,
	created_at timestamptz not null default now()
);

-- Staff accounts: reviewer, kiosk operator, admin. Passwords as scrypt hashes only.
create table staff_users (
	id serial primary key,
	username text not null unique,
	role text not null check (role in ('reviewer', 'kiosk', 'admin')),
	password_hash text not null,
	disabled boolean not null default false,
	created_at timestamptz not null default now()
);

-- Staff sessions: the cookie holds a random token, the table its sha256.
create table staff_sessions (
	token_hash text primary key,
	user_id integer not null references staff_users (id),
	expires_at timestamptz not null,
	created_at timestamptz not null default now()
);

-- Fixed-window rate-limit counters shared by every instance.
create table rate_limits (
	key text not null,
	window_start timestamptz not null,
	hits integer not null,
	primary key (key, window_start)
);

-- Outcome events for the registration system: read by polling, and pushed to the signed webhook.
create table outcome_events (
	id bigserial primary key,
	outcome_id integer not null references outcomes (id),
	payload jsonb not null,
	delivered_at timestamptz,
	attempts integer not null default 0,
	last_error text,
	created_at timestamptz not null default now()
);
create index outcome_events_undelivered on outcome_events (id) where delivered_at is null;
