-- Questions written by members (issue 13): a per-server review queue, and the CPIM 8 tags of a server's
-- own questions. The author of an approved question is not copied into guild_questions: the credit is the
-- approved submission row, so a member's /forgetme (which deletes their submissions) removes the credit
-- while the server keeps the question its reviewer approved (guild_questions.imported_by = the reviewer).

CREATE TABLE question_submissions (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,           -- the member who wrote it
    module       TEXT NOT NULL,              -- 2017 module and topic keys
    topic        TEXT NOT NULL,
    cpim8_module TEXT NOT NULL,              -- CPIM 8 module and topic keys
    cpim8_topic  TEXT NOT NULL,
    difficulty   TEXT NOT NULL,
    stem         TEXT NOT NULL,
    choices      TEXT NOT NULL,              -- JSON array
    answer_index INTEGER NOT NULL,
    explanation  TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    reason       TEXT,                       -- why it was rejected
    question_id  TEXT,                       -- its id in guild_questions once approved
    submitted_at INTEGER NOT NULL,
    reviewed_by  INTEGER,
    reviewed_at  INTEGER
);
CREATE INDEX question_submissions_queue ON question_submissions (guild_id, state, id);
CREATE INDEX question_submissions_member ON question_submissions (guild_id, user_id, state);

ALTER TABLE guild_questions ADD COLUMN cpim8_module TEXT;
ALTER TABLE guild_questions ADD COLUMN cpim8_topic TEXT;
