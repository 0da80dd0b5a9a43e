-- Counts the limits read, kept in their own rows instead of counted from the audit log (which stays a record of
-- what happened, not a source of decisions): a candidate's photo uploads per China-time day, and a session's
-- challenge extensions with the expiry the last one extended from (a resent extension gets the same answer).
create table photo_uploads (
  candidate_id integer not null references candidates(id) on delete cascade,
  -- The calendar day in China Standard Time (UTC+8): the daily limit resets at its midnight.
  day date not null,
  uploads integer not null,
  primary key (candidate_id, day)
);
insert into photo_uploads (candidate_id, day, uploads)
  select candidate_id, ((at at time zone 'UTC') + interval '8 hours')::date, count(*)::integer
  from audit_log
  where action = 'photo.upload' and candidate_id is not null
  group by 1, 2;

alter table verification_sessions add column challenge_extensions integer not null default 0;
alter table verification_sessions add column extended_from text;
update verification_sessions s set
  challenge_extensions = e.n,
  extended_from = e.from_at
  from (
    select session_id, count(*)::integer as n,
      (array_agg(detail->>'from' order by id desc))[1] as from_at
    from audit_log
    where action = 'challenge.extended' and session_id is not null
    group by session_id
  ) e
  where s.id = e.session_id;
