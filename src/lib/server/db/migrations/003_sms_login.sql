-- SMS-code login (Beijing: 手机号 + 短信验证码): a 6-digit code sent to the registered phone, stored salted-hashed,
-- valid for 5 minutes, 5 guesses.
create table sms_login_codes (
	id serial primary key,
	candidate_id integer not null references candidates (id),
	salt text not null,
	code_hash text not null,
	expires_at timestamptz not null,
	guesses integer not null default 0,
	used_at timestamptz,
	created_at timestamptz not null default now()
);
create index sms_login_codes_candidate on sms_login_codes (candidate_id, id);
