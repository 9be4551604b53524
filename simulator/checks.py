"""Discord's documented message limits, answered with Discord-shaped ``50035 Invalid Form Body`` errors."""

from __future__ import annotations

from typing import Any

from .kinds import ACTION_ROW, BUTTON, LINK_STYLE, PREMIUM_STYLE, SELECTS, STRING_SELECT, TEXT_INPUT

IS_COMPONENTS_V2 = 1 << 15

ErrorTree = dict[str, Any]


class FormErrors:
    """Accumulates ``{"a": {"0": {"b": {"_errors": [...]}}}}`` trees like Discord does."""

    def __init__(self) -> None:
        self.tree: ErrorTree = {}

    def add(self, path: list[str | int], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_len(self, path: list[str | int], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def __bool__(self) -> bool:
        return bool(self.tree)

    def body(self) -> dict[str, Any]:
        return {"message": "Invalid Form Body", "code": 50035, "errors": self.tree}


def _embed_size(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def validate_embeds(errors: FormErrors, embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        p: list[str | int] = ["embeds", i]
        errors.max_len([*p, "title"], embed.get("title"), 256)
        errors.max_len([*p, "description"], embed.get("description"), 4096)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add([*p, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, f in enumerate(fields):
            if not f.get("name"):
                errors.add([*p, "fields", j, "name"], "BASE_TYPE_REQUIRED", "This field is required")
            if not f.get("value"):
                errors.add([*p, "fields", j, "value"], "BASE_TYPE_REQUIRED", "This field is required")
            errors.max_len([*p, "fields", j, "name"], f.get("name"), 256)
            errors.max_len([*p, "fields", j, "value"], f.get("value"), 1024)
        errors.max_len([*p, "footer", "text"], (embed.get("footer") or {}).get("text"), 2048)
        errors.max_len([*p, "author", "name"], (embed.get("author") or {}).get("name"), 256)
        total += _embed_size(embed)
    if total > 6000:
        errors.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _validate_component(errors: FormErrors, path: list[str | int], comp: dict[str, Any]) -> None:
    ctype = comp.get("type")
    if "custom_id" in comp:
        cid = comp.get("custom_id")
        if not isinstance(cid, str) or not cid:
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
        else:
            errors.max_len([*path, "custom_id"], cid, 100)
    if ctype == BUTTON:
        errors.max_len([*path, "label"], comp.get("label"), 80)
        style = comp.get("style")
        if style == LINK_STYLE:
            if not comp.get("url"):
                errors.add([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
        elif style != PREMIUM_STYLE and not comp.get("custom_id"):
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    elif ctype in SELECTS:
        errors.max_len([*path, "placeholder"], comp.get("placeholder"), 150)
        options = comp.get("options") or []
        if ctype == STRING_SELECT and not 1 <= len(options) <= 25:
            errors.add([*path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
        for k, opt in enumerate(options):
            errors.max_len([*path, "options", k, "label"], opt.get("label"), 100)
            errors.max_len([*path, "options", k, "value"], opt.get("value"), 100)
            errors.max_len([*path, "options", k, "description"], opt.get("description"), 100)
    elif ctype == TEXT_INPUT:
        errors.max_len([*path, "label"], comp.get("label"), 45)
        errors.max_len([*path, "value"], comp.get("value"), 4000)
        errors.max_len([*path, "placeholder"], comp.get("placeholder"), 100)
    elif ctype == ACTION_ROW:
        children = comp.get("components") or []
        if not children:
            errors.add([*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        buttons = [c for c in children if c.get("type") == BUTTON]
        others = [c for c in children if c.get("type") != BUTTON]
        if len(children) > 5:
            errors.add([*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        if others and (buttons or len(others) > 1):
            errors.add(
                [*path, "components"],
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
    for key in ("components",):
        for k, child in enumerate(comp.get(key) or []):
            _validate_component(errors, [*path, key, k], child)
    if isinstance(comp.get("component"), dict):
        _validate_component(errors, [*path, "component"], comp["component"])
    if isinstance(comp.get("accessory"), dict):
        _validate_component(errors, [*path, "accessory"], comp["accessory"])


def validate_components(errors: FormErrors, components: list[dict[str, Any]], flags: int) -> None:
    if not flags & IS_COMPONENTS_V2:
        if len(components) > 5:
            errors.add(["components"], "BASE_TYPE_BAD_LENGTH", "Must be between 0 and 5 in length.")
        for i, comp in enumerate(components):
            if comp.get("type") != 1:
                errors.add(["components", i, "type"], "UNION_TYPE_CHOICES", "Value of field \"type\" must be 1.")
    elif len(components) > 40:
        errors.add(["components"], "BASE_TYPE_BAD_LENGTH", "Must be between 0 and 40 in length.")
    seen: set[str] = set()

    def walk(c: dict[str, Any]) -> None:
        cid = c.get("custom_id")
        if isinstance(cid, str) and cid:
            if cid in seen:
                errors.add(["components"], "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
            seen.add(cid)
        for child in c.get("components") or []:
            walk(child)
        for key in ("component", "accessory"):
            if isinstance(c.get(key), dict):
                walk(c[key])

    for i, comp in enumerate(components):
        _validate_component(errors, ["components", i], comp)
        walk(comp)


def validate_message(payload: dict[str, Any], *, has_files: bool = False, is_edit: bool = False) -> FormErrors:
    """Check ``payload`` (a message create/edit body) against Discord's limits."""
    errors = FormErrors()
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        errors.add(["content"], "STRING_TYPE_CONVERT", "Could not interpret value as string.")
    errors.max_len(["content"], content, 2000)
    embeds = payload.get("embeds")
    if embeds is None and payload.get("embed") is not None:
        embeds = [payload["embed"]]
    if embeds:
        validate_embeds(errors, embeds)
    flags = int(payload.get("flags") or 0)
    components = payload.get("components") or []
    if components:
        validate_components(errors, components, flags)
    if flags & IS_COMPONENTS_V2 and (content or embeds):
        errors.add(
            ["content"] if content else ["embeds"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
    return errors


def is_empty_message(payload: dict[str, Any], has_files: bool) -> bool:
    embeds = list(payload.get("embeds") or []) + ([payload["embed"]] if payload.get("embed") else [])
    return not (
        payload.get("content")
        or any(set(e) - {"type", "flags"} for e in embeds)
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or has_files
    )
