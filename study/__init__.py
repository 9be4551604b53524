"""The study domain: plain Python that knows nothing of Discord or SQL.

Syllabus, fees, questions and their validation, calculation generators, spaced repetition, scoring,
progress figures, time parsing and schedules live here. Time is always passed in, never read.
"""
