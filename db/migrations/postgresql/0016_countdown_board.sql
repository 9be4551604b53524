-- PostgreSQL twin of ../0016_countdown_board.sql (see ../README.md for the type rules).
-- The organizers' pinned exam countdown (issue 13): one board per guild, a message the bot pinned in a channel
-- and edits each morning; and the members who opted in to be listed on it (the default is out).

CREATE TABLE countdown_boards (
    guild_id    BIGINT PRIMARY KEY,
    channel_id  BIGINT NOT NULL,
    message_id  BIGINT NOT NULL,
    post_time   TEXT COLLATE "C" NOT NULL,    -- HH:MM, the server's local time of the morning edit
    replaced    BIGINT NOT NULL DEFAULT 0,    -- 1: the message was deleted once and posted again
    last_error  TEXT COLLATE "C",             -- why the last edit failed (NULL: it worked)
    edited_at   BIGINT,                       -- unix seconds of the last edit that Discord took
    created_by  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Member data (user_id and guild_id: /mydata and /forgetme find it): a row means "list my exams on the board".
CREATE TABLE countdown_sharing (
    guild_id  BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    shared_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
