-- PostgreSQL twin of ../0009_reminder_fixes.sql. json_extract(payload, '$.k') is payload ->> 'k' here: both give
-- NULL for a missing key or a JSON null, so the index holds the same rows.
UPDATE reminders SET user_id = 0
 WHERE kind = 'other' AND channel_id IS NOT NULL AND (payload ->> 'announce') IS NOT NULL;

-- At most one snoozed copy per (reminder, occurrence).
CREATE UNIQUE INDEX reminders_snooze_copy
    ON reminders ((payload ->> 'snoozed_from'), (payload ->> 'snoozed_occurrence'))
    WHERE (payload ->> 'snoozed_occurrence') IS NOT NULL;
