-- The office dashboard (issue 20). Numbered 020 to stay clear of migrations other branches add meanwhile.
-- An office account reads the dashboard; with exam_area set it reads only that exam area's figures.
alter table staff_users drop constraint if exists staff_users_role_check;
alter table staff_users add constraint staff_users_role_check check (role in ('reviewer', 'kiosk', 'admin', 'office'));
alter table staff_users add column if not exists exam_area text;

-- The dashboard's aggregates: sessions of a province over a time range, their outcomes and failed attempts, the
-- open review cases, and the consent and failure rows of the audit log.
create index if not exists verification_sessions_province_created on verification_sessions (province, created_at);
create index if not exists candidates_province_area on candidates (province, exam_area);
create index if not exists outcomes_pending on outcomes (recorded_at) where review_status = 'pending';
create index if not exists audit_log_action_session on audit_log (action, session_id);
