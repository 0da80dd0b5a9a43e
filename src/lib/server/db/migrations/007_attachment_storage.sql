-- Photos (JPEG) and signatures (PNG) arrive compressed: PostgreSQL's default storage tried to compress each one
-- again before storing it out of line, and kept the original every time (measured on PGlite: ~1 ms of CPU per photo
-- spent on the failed attempt). EXTERNAL stores them out of line without trying. Rows already stored are unchanged.
alter table attachments alter column bytes set storage external;
