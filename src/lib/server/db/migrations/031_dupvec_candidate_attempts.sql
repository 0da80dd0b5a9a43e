-- Attempts per candidate (a candidate: one ID number, its record's province and exam area), over all their sessions.
-- A per-session fact cannot be summed into it (a candidate's sessions fall on several days), so a candidate has a
-- fact of their own: on the China-time day of their first session, their failed attempts over every session (five
-- or more counted as 5). The recording paths that change it (a session started, a failed attempt, a record moved
-- to another exam area) hold the candidate's row locked and add the difference in their transaction
-- (services/dashboard-counts.ts).
-- The per-session histogram it replaces goes from the session facts and the counters.

create or replace view dashboard_candidate_facts as
select c.id as candidate_id, c.province, c.exam_area, zv_cst_day(first.at) as hour,
	'candidate_attempts'::text as metric, least(failures.n, 5)::text as key
from candidates c
	cross join lateral (select min(s.created_at) as at from verification_sessions s where s.candidate_id = c.id) first
	cross join lateral (select count(*) as n from failed_attempts fa where fa.candidate_id = c.id) failures
where first.at is not null;

-- The session facts as before, less the per-session attempts.
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

create or replace function dashboard_counts_rebuild() returns void
language sql as $$
	lock table dashboard_counts in exclusive mode;
	delete from dashboard_counts;
	insert into dashboard_counts (province, metric, hour, exam_area, key, n)
	select province, metric, hour, exam_area, key, count(*) from dashboard_facts group by 1, 2, 3, 4, 5
	union all
	select province, metric, hour, exam_area, key, count(*) from dashboard_candidate_facts group by 1, 2, 3, 4, 5;
$$;

select dashboard_counts_rebuild();
