-- Webhook delivery claims events with a short lease instead of holding a transaction across HTTP calls
-- (on PGlite an open transaction would stall every other request while a slow receiver answers).
alter table outcome_events add column lease_until timestamptz;
