-- Live quiz nights (issue 13): a game played in a thread (or the channel), one question at a time.
-- The game's whole state is here, so a restart resumes it or ends it cleanly. Instants in live_items and
-- live_answers are unix milliseconds: faster right answers score more, and whole seconds are too coarse.

CREATE TABLE live_games (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,            -- where the game is played: its thread, or the channel itself
    in_thread   INTEGER NOT NULL,
    started_by  INTEGER NOT NULL,
    edition     TEXT NOT NULL,
    module      TEXT,                        -- a module key of that edition; NULL: every module
    seconds     INTEGER NOT NULL,            -- time per question
    size        INTEGER NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,  -- the question open now (or the last one, once ended)
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'finished', 'stopped', 'closed')),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    stopped_by  INTEGER,
    final_message_id INTEGER                 -- the final board once posted
);
CREATE INDEX live_games_open ON live_games (state, guild_id);

CREATE TABLE live_items (
    game_id     INTEGER NOT NULL REFERENCES live_games (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    module      TEXT NOT NULL,               -- 2017 keys, as every answer row stores them
    topic       TEXT NOT NULL,
    message_id  INTEGER,                     -- the question's message once posted
    opened_ms   INTEGER,
    deadline_ms INTEGER,
    closed_ms   INTEGER,                     -- set once: the answers went into spaced repetition then
    revealed    INTEGER NOT NULL DEFAULT 0,  -- 1 once its message shows the answer with buttons disabled
    PRIMARY KEY (game_id, position)
) WITHOUT ROWID;

CREATE TABLE live_answers (
    game_id     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    answered_ms INTEGER NOT NULL,
    PRIMARY KEY (game_id, position, user_id),
    FOREIGN KEY (game_id, position) REFERENCES live_items (game_id, position) ON DELETE CASCADE
) WITHOUT ROWID;
