-- Seasons and champions (issue 13): the season length and champion role of a guild, each season end posted
-- once, and the champions it crowned (member data: /mydata and /forgetme find it by user_id and guild_id).

ALTER TABLE guild_settings ADD COLUMN season_months INTEGER;     -- NULL: 1, the calendar month
ALTER TABLE guild_settings ADD COLUMN champion_role_id INTEGER;  -- NULL: no role is moved

-- One row per guild and season whose final board was claimed: the INSERT the primary key refuses the second
-- time is what makes the end posted once, across restarts and racing loops. A claim whose post failed is
-- deleted again so the next daily post retries.
CREATE TABLE season_ends (
    guild_id     INTEGER NOT NULL,
    season_start TEXT NOT NULL,                 -- ISO date of the season's first day
    season_end   TEXT NOT NULL,                 -- ISO date of its last day
    claimed_at   INTEGER NOT NULL,
    message_id   INTEGER,                       -- NULL until Discord took the post
    role_note    TEXT NOT NULL DEFAULT '',      -- what happened to the champion role, as said in the post
    PRIMARY KEY (guild_id, season_start)
) WITHOUT ROWID;

CREATE TABLE season_champions (
    guild_id     INTEGER NOT NULL,
    season_start TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    right_count  INTEGER NOT NULL,
    answered     INTEGER NOT NULL,
    given_role   INTEGER NOT NULL DEFAULT 0,    -- 1: the bot gave this member the champion role
    PRIMARY KEY (guild_id, season_start, user_id)
) WITHOUT ROWID;
