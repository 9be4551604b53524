"""Reading YAML a person gave us (a question file, an import) with bounded work, whatever the text holds.

Safe YAML builds no Python objects, but it still expands aliases: a few hundred bytes that reuse one anchor
nine times per level describe a billion strings, and every walk over the result (the schema check, the
import) takes minutes and gigabytes. Nesting thousands of levels deep overflows Python's recursion. So the
text is first read as a stream of parse events (libyaml when present), and refused before anything is
built if it has

- any anchor or alias (`&name`, `*name`, `<<: *name`): question files never need them, and refusing them
  outright makes the work proportional to the size of the text;
- nesting deeper than MAX_DEPTH levels;
- more than MAX_EVENTS events.

With those gone, building the data costs time and memory linear in the text, which the callers cap
(study.question_import.MAX_IMPORT_BYTES for uploads). Each refusal is one ContentError line naming the file
and the line.
"""

from __future__ import annotations

from typing import Any

import yaml

from study.content_errors import ContentError

MAX_DEPTH = 32  # a question file needs 4: file → questions → question → choices
MAX_EVENTS = 400_000  # a 512 KiB file of short scalars has fewer

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COLLECTION_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _line(mark: Any) -> str:
    return f":{mark.line + 1}" if mark is not None else ""


def yaml_problem(error: yaml.YAMLError, source: str, text: str = "") -> str:
    """One line for a YAML syntax error: `file:line: not valid YAML: why`."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow, e.g. NUL
        line = f":{text.count(chr(10), 0, error.position) + 1}" if text else ""
        code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
        return f"{source}{line}: not valid YAML: character U+{code:04X} is not allowed ({error.reason})"
    mark = getattr(error, "problem_mark", None)
    why = getattr(error, "problem", None) or str(error)
    return f"{source}{_line(mark)}: not valid YAML: {' '.join(str(why).split())}"


def check_structure(text: str, source: str) -> None:
    """Raise ContentError (one line) if the text uses anchors or aliases, nests too deep or is too long."""
    depth = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=_Loader)):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ContentError([f"{source}{_line(event.start_mark)}: anchors and aliases (&name, *name) are "
                                    f"not allowed in question files; write each value out in full"])
            if isinstance(event, _COLLECTION_START):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ContentError([f"{source}{_line(event.start_mark)}: nested more than {MAX_DEPTH} levels "
                                        f"deep; a question file needs only a few"])
            elif isinstance(event, _COLLECTION_END):
                depth -= 1
            if count >= MAX_EVENTS:
                raise ContentError([f"{source}{_line(event.start_mark)}: more than {MAX_EVENTS:,} YAML values; "
                                    f"split the file"])
    except yaml.YAMLError as error:
        raise ContentError([yaml_problem(error, source, text)]) from None
    except RecursionError:  # a parser without libyaml, on nesting it cannot walk
        raise ContentError([f"{source}: nested too deeply to read; a question file needs only a few levels"]) from None


def load_yaml(text: str, source: str) -> Any:
    """The data of one YAML document from untrusted text, after check_structure; ContentError otherwise."""
    check_structure(text, source)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise ContentError([yaml_problem(error, source, text)]) from None


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree (for line numbers) of text that load_yaml already accepted."""
    return yaml.compose(text, Loader=_Loader)
