"""The only place with SQL: the connection, numbered migrations, one module per kind of record.

Every function that reads or writes a guild's data takes the guild id and filters on it.
"""
