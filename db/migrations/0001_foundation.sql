-- Guild-wide settings and fee entries added by chapter admins.

CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    timezone        TEXT,
    study_lead_role INTEGER,
    updated_at      TEXT NOT NULL
);

CREATE TABLE fee_entries (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    effective   TEXT NOT NULL,           -- ISO date the fee applies from
    currency    TEXT NOT NULL DEFAULT 'USD',
    member      INTEGER NOT NULL CHECK (member > 0),
    non_member  INTEGER NOT NULL CHECK (non_member >= member),
    source      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (guild_id, effective)
);
