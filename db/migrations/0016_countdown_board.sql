-- The organizers' pinned exam countdown (issue 13): one board per guild, a message the bot pinned in a channel
-- and edits each morning; and the members who opted in to be listed on it (the default is out).

-- A server record (like exam_windows): created_by names the organizer, so /mydata exports it as a record they
-- authored and /forgetme keeps it. The morning edit is a reminders row of the server (user 0, kind 'other',
-- payload {"countdown_board": guild_id}); this row says what to edit.
CREATE TABLE countdown_boards (
    guild_id    INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    post_time   TEXT NOT NULL,                -- HH:MM, the server's local time of the morning edit
    replaced    INTEGER NOT NULL DEFAULT 0,   -- 1: the message was deleted once and posted again
    last_error  TEXT,                         -- why the last edit failed (NULL: it worked)
    edited_at   INTEGER,                      -- unix seconds of the last edit that Discord took
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

-- Member data (user_id and guild_id: /mydata and /forgetme find it): a row means "list my exams on the board".
CREATE TABLE countdown_sharing (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    shared_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
