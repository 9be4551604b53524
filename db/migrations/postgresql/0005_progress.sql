-- PostgreSQL twin of ../0005_progress.sql (see ../README.md for the type rules).
-- Progress: the modules a member has passed, and whether they let other members see their progress.

CREATE TABLE passed_modules (
    guild_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    module      TEXT COLLATE "C" NOT NULL, -- syllabus module key
    passed_on   TEXT COLLATE "C" NOT NULL, -- ISO date the member passed the exam
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id, module)
);

CREATE TABLE progress_sharing (
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    shared     BIGINT NOT NULL CHECK (shared IN (0, 1)),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- /progress's "last 30 days" figures read only this index (an index-only scan on PostgreSQL once vacuumed).
CREATE INDEX answers_member_recent ON answers (guild_id, user_id, answered_at, module, correct);
