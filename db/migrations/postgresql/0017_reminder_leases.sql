-- PostgreSQL twin of ../0017_reminder_leases.sql: which process claimed an in-flight reminder and until when
-- the claim holds (unix seconds, like every instant in this table). See the SQLite file for the rules.
ALTER TABLE reminders ADD COLUMN claimant TEXT COLLATE "C";
ALTER TABLE reminders ADD COLUMN lease_until BIGINT;

CREATE INDEX reminders_lease ON reminders (lease_until) WHERE state = 'in_flight';
