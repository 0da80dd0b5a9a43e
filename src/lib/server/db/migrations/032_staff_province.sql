-- A staff account works on one province's records, or on every province ('all', the national admin). Accounts made
-- before this keep the reach they had ('all'); new accounts name their province (services/staff.ts).
alter table staff_users add column if not exists province text;
update staff_users set province = 'all' where province is null;
alter table staff_users alter column province set not null;
