-- Daily question: each guild's schedule, the posts made, and members' answers to them.
-- Instants are unix seconds (UTC); local_day is the ISO date in the guild's time zone at post time.

CREATE TABLE daily_settings (
    guild_id           INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL,
    hour               INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    minute             INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
    timezone           TEXT NOT NULL,                     -- IANA name
    days               TEXT NOT NULL,                     -- cron day_of_week, e.g. 'mon,tue,wed,thu,fri'
    modules            TEXT NOT NULL DEFAULT '',          -- rotation order, comma separated module keys
    rotation           TEXT NOT NULL DEFAULT 'order' CHECK (rotation IN ('order', 'weakest')),
    reveal_after_hours INTEGER NOT NULL CHECK (reveal_after_hours BETWEEN 1 AND 72),
    explain_at_once    INTEGER NOT NULL DEFAULT 0,        -- 1: explanation with the feedback, 0: after reveal
    repeat_window_days INTEGER NOT NULL DEFAULT 60 CHECK (repeat_window_days BETWEEN 1 AND 3650),
    weekly_summary     INTEGER NOT NULL DEFAULT 0,
    paused             INTEGER NOT NULL DEFAULT 0,
    active_since       INTEGER NOT NULL,                  -- set at setup and resume: earlier fire times are not owed
    updated_by         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE daily_posts (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('scheduled', 'manual')),
    local_day    TEXT NOT NULL,
    day_number   INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,                                 -- NULL until Discord accepted the message
    state        TEXT NOT NULL DEFAULT 'claimed' CHECK (state IN ('claimed', 'open', 'revealed', 'failed')),
    question_id  TEXT NOT NULL,
    module       TEXT NOT NULL,
    topic        TEXT NOT NULL,
    answer_index INTEGER NOT NULL,
    choice_count INTEGER NOT NULL,
    posted_at    INTEGER NOT NULL,
    reveal_at    INTEGER NOT NULL,
    revealed_at  INTEGER,
    error        TEXT
);
-- The guarantee that a guild gets one scheduled post per local day, even when the bot restarts or two
-- loops race: the claim is an INSERT this index refuses the second time. Admins' /daily now posts are extra.
CREATE UNIQUE INDEX daily_posts_one_per_day ON daily_posts (guild_id, local_day) WHERE kind = 'scheduled';
CREATE INDEX daily_posts_guild_day ON daily_posts (guild_id, local_day);
CREATE INDEX daily_posts_open ON daily_posts (state, reveal_at);

CREATE TABLE daily_answers (
    post_id     INTEGER NOT NULL REFERENCES daily_posts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    seq         INTEGER NOT NULL,                         -- order of arrival within the post (ties in a second)
    PRIMARY KEY (post_id, user_id)                        -- the first click counts; a second is refused
) WITHOUT ROWID;
CREATE INDEX daily_answers_member ON daily_answers (user_id, post_id);

-- Weekly summaries posted (admin setting), one per guild and week, claimed the same way.
CREATE TABLE daily_summaries (
    guild_id    INTEGER NOT NULL,
    week_start  TEXT NOT NULL,                            -- ISO date of the Monday of the week summarised
    message_id  INTEGER,
    posted_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, week_start)
) WITHOUT ROWID;
