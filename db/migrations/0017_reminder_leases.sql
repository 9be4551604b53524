-- Several bot processes share the reminders (README, "Several processes"): a claimed row names the process that
-- claimed it and until when that claim holds. The claimant renews lease_until while it lives; once the lease has
-- run out, any process takes the row over with its occurrence unchanged, so the resend carries the same nonce.
-- A process restarted under the same name (the same shards) takes its own claims back at once. Rows left in
-- flight by an older release have neither column set and count as expired. (Not "claimed_by": a *_by column
-- names a member, db/members.py, and this one names a process.)
ALTER TABLE reminders ADD COLUMN claimant TEXT;
ALTER TABLE reminders ADD COLUMN lease_until INTEGER;

-- "Whose lease ran out" and "when does the next one run out" read only the rows in flight.
CREATE INDEX reminders_lease ON reminders (lease_until) WHERE state = 'in_flight';
