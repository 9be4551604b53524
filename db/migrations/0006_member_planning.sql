-- Members' time zones and nudge preferences, exam appointments, and chapter exam windows.

CREATE TABLE member_settings (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    timezone      TEXT,                      -- IANA zone; NULL: the guild's
    nudge_offsets TEXT,                      -- JSON list of days before an exam; NULL: the guild's
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

ALTER TABLE guild_settings ADD COLUMN nudge_offsets TEXT;          -- JSON list; NULL: 30,14,7,3,1,0
ALTER TABLE guild_settings ADD COLUMN announce_channel_id INTEGER;  -- where exam windows are announced
ALTER TABLE guild_settings ADD COLUMN window_notice_days INTEGER;   -- DM opted-in members this many days before close

CREATE TABLE exams (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    module     TEXT NOT NULL,
    exam_date  TEXT NOT NULL,                -- local date, ISO
    exam_time  TEXT,                         -- local time HH:MM, optional
    timezone   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (guild_id, user_id, module)
);

CREATE TABLE exam_windows (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    name              TEXT NOT NULL,
    starts_on         TEXT NOT NULL,         -- local dates, ISO, in the guild's time zone
    ends_on           TEXT NOT NULL,
    modules           TEXT NOT NULL,         -- JSON list of module keys
    created_by        INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    UNIQUE (guild_id, name)
);

CREATE TABLE window_members (
    window_id INTEGER NOT NULL REFERENCES exam_windows (id) ON DELETE CASCADE,
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (window_id, user_id)
) WITHOUT ROWID;
