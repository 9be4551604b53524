-- Quizzes: spaced-repetition cards, sessions with their items, every answer, topic tallies,
-- chapter question banks, flags and retirements. Instants are unix seconds (UTC).

CREATE TABLE cards (
    guild_id         INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    item             TEXT NOT NULL,        -- bank question id, or gen:<family>
    module           TEXT NOT NULL,
    topic            TEXT NOT NULL,
    box              INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    right_count      INTEGER NOT NULL DEFAULT 0,
    wrong_count      INTEGER NOT NULL DEFAULT 0,
    last_answered_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, item)
) WITHOUT ROWID;
CREATE INDEX cards_due ON cards (guild_id, user_id, due_at);

CREATE TABLE quiz_sessions (
    id               TEXT PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('quiz', 'exam')),
    mode             TEXT,
    module           TEXT,
    topic            TEXT,
    size             INTEGER NOT NULL,
    state            TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'finished', 'expired')),
    started_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    deadline_at      INTEGER,
    finished_at      INTEGER
);
CREATE INDEX quiz_sessions_member ON quiz_sessions (guild_id, user_id, kind, started_at);

CREATE TABLE session_items (
    session_id  TEXT NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    module      TEXT NOT NULL,
    topic       TEXT NOT NULL,
    chosen      INTEGER,                   -- NULL until answered; set once, never changed
    correct     INTEGER,
    answered_at INTEGER,
    PRIMARY KEY (session_id, position)
) WITHOUT ROWID;

CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    module      TEXT NOT NULL,
    topic       TEXT NOT NULL,
    correct     INTEGER NOT NULL,
    source      TEXT NOT NULL,             -- quiz, exam, daily
    session_id  TEXT,
    answered_at INTEGER NOT NULL
);
CREATE INDEX answers_member_time ON answers (guild_id, user_id, answered_at);

CREATE TABLE topic_stats (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    module      TEXT NOT NULL,
    topic       TEXT NOT NULL,
    answered    INTEGER NOT NULL,
    right_count INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, module, topic)
) WITHOUT ROWID;

CREATE TABLE guild_questions (
    guild_id     INTEGER NOT NULL,
    id           TEXT NOT NULL,
    module       TEXT NOT NULL,
    topic        TEXT NOT NULL,
    difficulty   TEXT NOT NULL,
    stem         TEXT NOT NULL,
    choices      TEXT NOT NULL,            -- JSON array
    answer_index INTEGER NOT NULL,
    explanation  TEXT NOT NULL,
    reference    TEXT,
    imported_by  INTEGER NOT NULL,
    imported_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, id)
) WITHOUT ROWID;

CREATE TABLE question_flags (
    guild_id    INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    user_id     INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    flagged_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, question_id, user_id)
) WITHOUT ROWID;

CREATE TABLE question_retirements (
    guild_id    INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    retired_by  INTEGER NOT NULL,
    retired_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, question_id)
) WITHOUT ROWID;
