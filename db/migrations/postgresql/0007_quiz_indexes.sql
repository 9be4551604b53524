-- PostgreSQL twin of ../0007_quiz_indexes.sql.
CREATE INDEX quiz_sessions_active ON quiz_sessions (kind, last_activity_at) WHERE state = 'active';
