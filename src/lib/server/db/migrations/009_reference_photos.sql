-- Reference photos the server owns: the face a submission is compared with (issue 14). One per candidate, sent by
-- the registration system with its source; embedded once by the server's face engine (null until then). The bytes
-- and the embedding are deleted under the retention rules like the final photo.
create table reference_photos (
	candidate_id integer primary key references candidates (id) on delete cascade,
	source text not null check (source in ('previous_registration', 'pre_registration', 'authority')),
	sha256 text not null,
	jpeg bytea,
	embedding bytea,
	received_at timestamptz not null default now(),
	embedded_at timestamptz,
	deleted_at timestamptz
);
alter table reference_photos alter column jpeg set storage external;
alter table reference_photos alter column embedding set storage external;
