-- Housekeeping closes idle quizzes and overdue exams every minute: only active sessions are looked at,
-- however many finished ones pile up.
CREATE INDEX quiz_sessions_active ON quiz_sessions (kind, last_activity_at) WHERE state = 'active';
