-- The polling API's order (services/registration.ts). An event's id comes from its sequence when the row is
-- written, not when its transaction commits, so a poll could see a later event before an earlier one committed and
-- move its cursor past it for good. A poll now numbers the committed events it has not numbered yet, in one
-- turn at a time, and pages by that number (`seq`): an event that commits late gets a later number. Events written
-- before keep their id as their number, so a poller's last cursor stays valid.
alter table outcome_events add column if not exists seq bigint;
create sequence if not exists outcome_events_seq;
update outcome_events set seq = id where seq is null;
select setval('outcome_events_seq', coalesce((select max(id) from outcome_events), 0) + 1, false);
create unique index if not exists outcome_events_by_seq on outcome_events (seq);
create index if not exists outcome_events_unnumbered on outcome_events (id) where seq is null;
