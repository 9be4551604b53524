"""CSV cells that no spreadsheet runs as a formula: one rule for every CSV the bot writes, and its inverse.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or
a carriage return) as a formula, so a member's display name or an admin's question stem like
`=HYPERLINK("http://evil", "click")` would run on the organizer's machine (CSV injection). A leading
apostrophe makes such a cell text in all three. Reading a CSV the bot wrote takes the apostrophe off again,
so an export imports back unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_unsafe(value: str) -> str:
    """The text csv_safe was given: the apostrophe it added before a formula character comes off."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
