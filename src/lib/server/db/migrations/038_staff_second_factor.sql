-- An authenticator app as the second factor of a staff account (src/lib/server/totp.ts): a leaked password alone no
-- longer signs in. totp_secret: the base32 secret once confirmed (null: no second factor). totp_pending: one being
-- set up, not yet confirmed with a code. totp_last_step: the time step of the last code taken, so a code is taken
-- once.
alter table staff_users add column if not exists totp_secret text;
alter table staff_users add column if not exists totp_pending text;
alter table staff_users add column if not exists totp_last_step bigint;
