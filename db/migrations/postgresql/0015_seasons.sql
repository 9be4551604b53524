-- PostgreSQL twin of ../0015_seasons.sql (see ../README.md for the type rules).
-- Seasons and champions: the season length and champion role of a guild, each season end posted once, and
-- the champions it crowned.

ALTER TABLE guild_settings ADD COLUMN season_months BIGINT;     -- NULL: 1, the calendar month
ALTER TABLE guild_settings ADD COLUMN champion_role_id BIGINT;   -- NULL: no role is moved

CREATE TABLE season_ends (
    guild_id     BIGINT NOT NULL,
    season_start TEXT COLLATE "C" NOT NULL,     -- ISO date of the season's first day
    season_end   TEXT COLLATE "C" NOT NULL,     -- ISO date of its last day
    claimed_at   BIGINT NOT NULL,
    message_id   BIGINT,                        -- NULL until Discord took the post
    role_note    TEXT COLLATE "C" NOT NULL DEFAULT '', -- what happened to the champion role, as said in the post
    PRIMARY KEY (guild_id, season_start)
);

CREATE TABLE season_champions (
    guild_id     BIGINT NOT NULL,
    season_start TEXT COLLATE "C" NOT NULL,
    user_id      BIGINT NOT NULL,
    right_count  BIGINT NOT NULL,
    answered     BIGINT NOT NULL,
    given_role   BIGINT NOT NULL DEFAULT 0,    -- 1: the bot gave this member the champion role
    PRIMARY KEY (guild_id, season_start, user_id)
);
