-- Durable reminders: the rows are the single source of truth; the dispatcher only caches the earliest due_at.
--
-- A reminder's current occurrence is occurrence_at (the instant it was scheduled for); due_at is when the
-- dispatcher should next try it (the occurrence itself, or a retry after a failed send). Both are unix
-- seconds UTC. A recurring reminder keeps one row and moves both forward after each occurrence.

CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('once', 'study', 'exam_nudge', 'window_nudge', 'other')),
    text           TEXT NOT NULL DEFAULT '',
    payload        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),   -- JSON object for the sender
    module         TEXT,                                   -- CPIM module key, if the reminder is about one
    channel_id     INTEGER,                                -- NULL: by DM; else post in this guild channel
    due_at         INTEGER NOT NULL,                       -- next attempt, unix seconds UTC
    occurrence_at  INTEGER NOT NULL,                       -- the occurrence being delivered, unix seconds UTC
    timezone       TEXT NOT NULL DEFAULT 'UTC',            -- IANA zone the member scheduled in
    recurrence     TEXT CHECK (recurrence IS NULL OR json_valid(recurrence)),  -- {"time":"19:30","days":[0..6]}
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'in_flight', 'sent', 'missed', 'failed', 'paused', 'cancelled')),
    attempts       INTEGER NOT NULL DEFAULT 0,             -- failed sends of the current occurrence
    last_error     TEXT,
    claimed_at     INTEGER,                                -- when the dispatcher took it (state in_flight)
    created_at     INTEGER NOT NULL,
    sent_at        INTEGER,                                -- last successful delivery
    missed_count   INTEGER NOT NULL DEFAULT 0              -- occurrences missed and not yet mentioned in a DM
);

-- "Earliest pending due" is MIN over this index; "claim due" is a range scan of it. Only pending rows are in
-- it, so finished reminders cost nothing however many pile up.
CREATE INDEX reminders_pending_due ON reminders (due_at) WHERE state = 'pending';
-- Start-up recovery reads only the rows left in flight.
CREATE INDEX reminders_in_flight ON reminders (id) WHERE state = 'in_flight';
-- A member's reminders in a guild (list, cap, cancel), and a user's across guilds (closed-DM pause). Neither
-- holds the state, so claiming and recording, which only change state, never touch them.
CREATE INDEX reminders_member ON reminders (guild_id, user_id);
CREATE INDEX reminders_user ON reminders (user_id);

-- One row per delivered occurrence. The UNIQUE key is what makes "never twice" a database fact: the row is
-- written in the same transaction that finishes the occurrence, and recovery never resends an occurrence
-- that has a row here.
CREATE TABLE reminder_deliveries (
    reminder_id  INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    due_at       INTEGER NOT NULL,                         -- the occurrence (reminders.occurrence_at)
    delivered_at INTEGER NOT NULL,
    PRIMARY KEY (reminder_id, due_at)
) WITHOUT ROWID;

-- DMs are per user, not per guild. The channel id makes a DM one request; dms_closed_at pauses DM reminders
-- after Discord refused with 50007, and closed_notice_pending asks the bot to tell the member once.
CREATE TABLE dm_channels (
    user_id               INTEGER PRIMARY KEY,
    channel_id            INTEGER,
    dms_closed_at         INTEGER,
    closed_notice_pending INTEGER NOT NULL DEFAULT 0,
    updated_at            INTEGER NOT NULL
);

-- One-shot reminders missed while the bot was down and not yet mentioned to the member: the next DM says so.
CREATE INDEX reminders_missed_unmentioned ON reminders (user_id) WHERE state = 'missed' AND missed_count > 0;
