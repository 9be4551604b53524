"""Which mentions Discord would have notified, read from the bodies the bot sent to the fake Discord.

Discord pings for `@everyone`, `@here`, `<@id>`, `<@!id>` and `<@&id>` in a message's *content* (never in
embeds) when the message is created, unless the body's `allowed_mentions` leaves them out; without
`allowed_mentions` everything in the content is parsed. The bot sets `AllowedMentions.none()` for every message
(app/factory.py); `would_ping` checks that nothing the bot sent, member text included, could ping anyone.
"""

from __future__ import annotations

import re
from typing import Any

from simulator import FakeDiscord

EVERYONE = re.compile(r"@(everyone|here)\b")
USER = re.compile(r"<@!?(\d+)>")
ROLE = re.compile(r"<@&(\d+)>")
# requests that create a message (edits never notify): channel and DM sends, follow-ups, interaction replies
CREATES = re.compile(r"^/(channels/\d+/messages|webhooks/\d+/[^/]+|interactions/\d+/[^/]+/callback)$")


def _message_body(path: str, body: Any) -> dict | None:
    if not isinstance(body, dict):
        return None
    if path.startswith("/interactions/"):
        return body.get("data") if body.get("type") in (4, 7) and isinstance(body.get("data"), dict) else None
    return body


def pings_in(content: str, allowed: dict | None) -> list[str]:
    """The mentions in content that Discord would notify under this allowed_mentions object."""
    if allowed is None:
        allowed = {"parse": ["everyone", "users", "roles"]}
    parse = set(allowed.get("parse") or [])
    users = {str(u) for u in allowed.get("users") or []}
    roles = {str(r) for r in allowed.get("roles") or []}
    found = []
    if "everyone" in parse:
        found += [f"@{m}" for m in EVERYONE.findall(content)]
    found += [f"<@{u}>" for u in USER.findall(content) if "users" in parse or u in users]
    found += [f"<@&{r}>" for r in ROLE.findall(content) if "roles" in parse or r in roles]
    return found


def would_ping(fake: FakeDiscord) -> list[tuple[str, str]]:
    """(request path, mention) for every mention a message the bot created would have notified."""
    found = []
    for record in fake.request_log:
        if record.method != "POST" or not CREATES.match(record.path):
            continue
        message = _message_body(record.path, record.body)
        if not message or not message.get("content"):
            continue
        found += [(record.path, ping) for ping in pings_in(message["content"], message.get("allowed_mentions"))]
    return found
