-- When a staff session was last used: a session unused for the idle limit (config.staffIdleMs) ends, so a
-- reviewer's computer left signed in does not stay open to whoever sits down at it for the rest of the day.
alter table staff_sessions add column if not exists last_seen_at timestamptz not null default now();
