-- The dashboard's counters: per China-time hour or day, province, exam area, what is counted (metric) and its key,
-- so the dashboard sums a few thousand rows instead of scanning the sessions of a registration window. dashboard_facts
-- says once what each session contributes (its start, funnel steps, failed attempts, the browser of its first
-- failure, its outcome, reasons, review state and decision); the recording transactions add the difference a
-- change makes to its session's facts (services/dashboard-counts.ts), and dashboard_counts_rebuild() sums them
-- from scratch (here, as the backfill).

-- China Standard Time has no daylight saving: the hour is UTC + 8 h, truncated, whatever the server's TimeZone.
create or replace function zv_cst_hour(t timestamptz) returns timestamp
language sql immutable as $$ select date_trunc('hour', (t at time zone 'UTC') + interval '8 hours') $$;
create or replace function zv_cst_day(t timestamptz) returns timestamp
language sql immutable as $$ select date_trunc('day', (t at time zone 'UTC') + interval '8 hours') $$;

-- Whole minutes a step took, capped so the counters stay few (a median reads the same below the cap).
create or replace function zv_minutes(d interval) returns text
language sql immutable as $$ select least(greatest(floor(extract(epoch from d) / 60), 0), 600)::int::text $$;

-- The browser and OS family of a user agent ("WeChat/Android"): no version, no device model.
create or replace function zv_client_family(ua text) returns text
language sql immutable as $$
	select case when ua ilike '%MicroMessenger%' then 'WeChat'
			when ua ilike '%AlipayClient%' then 'Alipay'
			when ua ilike '%Firefox/%' then 'Firefox'
			when ua ilike '%Edg/%' then 'Edge'
			when ua ilike '%Chrome/%' then 'Chrome'
			when ua ilike '%Safari/%' then 'Safari'
			else 'other' end || '/' ||
		case when ua ilike '%Android%' then 'Android'
			when ua ilike '%iPhone%' or ua ilike '%iPad%' then 'iOS'
			when ua ilike '%HarmonyOS%' then 'HarmonyOS'
			when ua ilike '%Windows%' then 'Windows'
			when ua ilike '%Mac OS X%' then 'macOS'
			when ua ilike '%Linux%' then 'Linux'
			else 'other' end
$$;

create table if not exists dashboard_counts (
	province text not null,
	metric text not null,
	hour timestamp not null,
	exam_area text not null,
	key text not null,
	n bigint not null,
	primary key (province, metric, hour, exam_area, key)
);

-- One row per thing a session counts for, at the China-time hour or day it counts in: the session's start for what
-- describes the session (started by the hour; funnel, minutes, attempts, client by the day), the outcome's
-- recording for outcomes (hour), reasons (day) and open cases (hour, with the minute as key: an age is known to
-- the minute), the decision's day for decisions. Only what the dashboard draws by the hour is kept by the hour
-- (the range it asks for is whole days), so a range reads a few rows per area and day.
create or replace view dashboard_facts as
select s.id as session_id, s.province, c.exam_area, f.hour, f.metric, f.key
from verification_sessions s
	join candidates c on c.id = s.candidate_id
	left join outcomes o on o.session_id = s.id
	cross join lateral (select min(a.at) as at from audit_log a
		where a.action = 'consent.accepted' and a.session_id = s.id) consent
	cross join lateral (select count(*) as n from failed_attempts fa where fa.session_id = s.id) failures
	left join lateral (select coalesce(a.user_agent, '') as ua from audit_log a
		where a.action = 'attempt.failed' and a.session_id = s.id order by a.id limit 1) failing on true
	cross join lateral (
		select zv_cst_hour(s.created_at), 'started', ''
		union all select zv_cst_day(s.created_at), 'funnel', 'opened' where s.device_public_key is not null
		union all select zv_cst_day(s.created_at), 'funnel', 'consented' where consent.at is not null
		union all select zv_cst_day(s.created_at), 'minutes_open', zv_minutes(consent.at - s.created_at)
			where consent.at is not null
		union all select zv_cst_day(s.created_at), 'attempts', least(failures.n, 3)::text
		union all select zv_cst_day(s.created_at), 'client', zv_client_family(failing.ua) where failing.ua is not null
		union all select zv_cst_day(s.created_at), 'funnel', 'submitted' where o.id is not null
		union all select zv_cst_day(s.created_at), 'funnel', 'confirmed' where o.result = 'confirmed'
		union all select zv_cst_day(s.created_at), 'minutes_result', zv_minutes(o.recorded_at - s.created_at)
			where o.id is not null
		union all select zv_cst_hour(o.recorded_at), 'outcome',
				case when o.result = 'confirmed' and s.origin = 'kiosk' then 'on_site'
					when o.result = 'rejected' then 'failed' else o.result end
			where o.id is not null
		union all select zv_cst_hour(o.recorded_at), 'pending', to_char(o.recorded_at at time zone 'UTC', 'MI')
			where o.review_status = 'pending'
		union all select zv_cst_day(o.reviewed_at), 'decided', o.reviewed_by::text
			where o.reviewed_by is not null and o.reviewed_at is not null
		union all select zv_cst_day(o.recorded_at), 'reason', (r.value ->> 'code') || '|' || coalesce(r.value ->> 'zh', '')
			from jsonb_array_elements(coalesce(o.review_reasons, '[]'::jsonb)) r
			where o.id is not null and jsonb_typeof(r.value) = 'object'
	) f (hour, metric, key);

-- Sums every session's facts anew. The table lock waits for recording transactions that already changed a counter
-- and holds back new ones, so no change is counted twice or lost.
create or replace function dashboard_counts_rebuild() returns void
language sql as $$
	lock table dashboard_counts in exclusive mode;
	delete from dashboard_counts;
	insert into dashboard_counts (province, metric, hour, exam_area, key, n)
	select province, metric, hour, exam_area, key, count(*) from dashboard_facts group by 1, 2, 3, 4, 5;
$$;

select dashboard_counts_rebuild();
