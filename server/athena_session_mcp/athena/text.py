"""The one door for text from AWS: every string a response, an S3 object or a log event carries passes
`sanitize` once, where it is read (client.py for API responses, job_output.py for objects and events).

That text was written by someone else's code (a job, a user, a tag): it can carry terminal escapes,
characters a person cannot see but a model reads (Unicode tag characters, zero-width joiners), bidi
overrides that reorder what is shown, line separators, invalid UTF-8 and megabyte-long lines. After the
door none of that exists, so nothing downstream has to remember to clean; downstream code still bounds
what it shows and labels it untrusted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, TypeVar, cast

T = TypeVar("T")

# One string from AWS is never longer than this (a code block, a log event, an S3 tail decoded): what is
# shown is bounded again, much shorter, where it is shown.
MAX_FIELD_CHARS = 65_536

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings,
# other two-byte ESC sequences, and the 8-bit CSI form.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# Line breaks of every kind become "\n": a lone \r could overwrite a line on a terminal, and U+2028/2029
# (and NEL, VT, FF) break lines in some renderers but not in others.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Removed: C0/C1 controls (tab and newline aside), and invisible characters that hide or reorder text:
# soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width space/joiners, LRM/RLM, bidi
# embeddings, overrides and isolates, word joiner and invisible operators, BOM, variation selectors,
# Hangul fillers, combining grapheme joiner, interlinear annotations, Unicode tag characters
# (U+E0000-E007F, "ASCII smuggling") and the supplementary variation selectors, lone surrogates.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef\ud800-\udfff]"
)


def sanitize(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """`text` with escapes, controls and invisible characters removed, line breaks as "\\n", tabs kept,
    at most `limit` characters (ending with '…' when cut)."""
    if len(text) > 4 * limit:
        text = text[: 4 * limit]  # bound the work before cleaning; what is removed is rarely this much
    text = _INVISIBLE.sub("", _BREAKS.sub("\n", _ESCAPES.sub("", text)))
    if not text.isascii():
        # Any other format character (category Cf) a newer Unicode version adds is invisible too.
        text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sanitize_bytes(data: bytes, limit: int = MAX_FIELD_CHARS) -> str:
    """Bytes read from S3 or a log, decoded as UTF-8 (invalid bytes as U+FFFD, never raising), sanitized."""
    return sanitize(data.decode("utf-8", errors="replace"), limit)


def sanitize_tree(value: T) -> T:
    """A response with every string in it (keys and values, at any depth) sanitized; other values kept."""
    return cast(T, _tree(value))


def _tree(value: Any) -> Any:
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, Mapping):
        return {_tree(k): _tree(v) for k, v in cast(Mapping[Any, Any], value).items()}
    if isinstance(value, list):
        return [_tree(v) for v in cast(list[Any], value)]
    if isinstance(value, tuple):
        return tuple(_tree(v) for v in cast(tuple[Any, ...], value))
    return value


def looks_binary(data: bytes) -> bool:
    """True for content that is not text: more than a stray NUL byte, or more than a tenth of the sample
    invalid UTF-8 or control characters."""
    sample = data[:4096]
    if not sample:
        return False
    if sample.count(0) > max(1, len(sample) // 100):
        return True
    text = sample.decode("utf-8", errors="replace")
    bad = sum(1 for char in text if char == "\ufffd" or (ord(char) < 0x20 and char not in "\t\n\r\x1b"))
    return bad / len(text) > 0.1
