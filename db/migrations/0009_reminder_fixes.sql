-- Window announcements belong to the server, not to the admin who added the window: user_id 0 (no member has
-- it), so they never count toward a member's 25 reminders, never show in /remind list, cannot be cancelled
-- with /remind cancel, and an admin's /forgetme no longer deletes the server's announcement.
UPDATE reminders SET user_id = 0
 WHERE kind = 'other' AND channel_id IS NOT NULL AND json_extract(payload, '$.announce') IS NOT NULL;

-- Snoozing a recurring reminder makes a one-off copy: at most one per (reminder, occurrence), so repeated
-- clicks move that copy instead of adding DMs. Copies made before this migration have no snoozed_occurrence
-- and are left out of the index.
CREATE UNIQUE INDEX reminders_snooze_copy
    ON reminders (json_extract(payload, '$.snoozed_from'), json_extract(payload, '$.snoozed_occurrence'))
    WHERE json_extract(payload, '$.snoozed_occurrence') IS NOT NULL;
