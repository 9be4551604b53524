-- Syllabus editions (issue 9): which edition a server follows, and fee entries per edition.
-- Nothing a member stored is touched: answers, cards, exams, passed modules and reminders keep the module
-- keys they were written with (2017 and CPIM 8 keys never collide), whatever edition the server shows.

ALTER TABLE guild_settings ADD COLUMN edition TEXT;  -- 'cpim-2017' | 'cpim-8'; NULL: config content.edition

-- Fee entries now belong to an edition (a server may keep 2017 entries and add CPIM 8 ones on the same
-- date) and may carry a bundle price (learning system + exam). SQLite cannot change a UNIQUE constraint
-- in place, so the table is rebuilt; every existing entry is a 2017 per-module entry.
CREATE TABLE fee_entries_new (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    edition     TEXT NOT NULL DEFAULT 'cpim-2017',
    effective   TEXT NOT NULL,           -- ISO date the fee applies from
    currency    TEXT NOT NULL DEFAULT 'USD',
    member      INTEGER NOT NULL CHECK (member > 0),
    non_member  INTEGER NOT NULL CHECK (non_member >= member),
    bundle      INTEGER CHECK (bundle IS NULL OR bundle > 0),
    source      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (guild_id, edition, effective)
);
INSERT INTO fee_entries_new (id, guild_id, edition, effective, currency, member, non_member, source, note,
                             added_by, added_at)
    SELECT id, guild_id, 'cpim-2017', effective, currency, member, non_member, source, note, added_by, added_at
    FROM fee_entries;
DROP TABLE fee_entries;
ALTER TABLE fee_entries_new RENAME TO fee_entries;
