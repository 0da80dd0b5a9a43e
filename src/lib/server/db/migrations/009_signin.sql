-- Candidate sign-in without an existence oracle (issue 15): a code row is written for every request, keyed by the
-- ID number and phone number typed, whether or not they match a registration (candidate_id null: the code is never
-- sent). Wrong, expired and used-up codes are then answered alike for registered and unregistered numbers.
alter table sms_login_codes alter column candidate_id drop not null;
alter table sms_login_codes add column id_number text;
alter table sms_login_codes add column phone text;
-- The sign-in it is for: 'sms-code' (the phone continues) or 'pc-qr' (the PC shows a QR code).
alter table sms_login_codes add column purpose text not null default 'sms-code';
create index sms_login_codes_typed on sms_login_codes (id_number, phone, purpose, id);
-- Who did it, from where: the client's address and user agent of the request behind each audit row.
alter table audit_log add column client_address text;
alter table audit_log add column user_agent text;
-- Staff reset a candidate's online attempts: failures recorded before this no longer count.
alter table candidates add column attempts_reset_at timestamptz;
