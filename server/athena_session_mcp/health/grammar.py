"""What a value from service or job text must look like to appear in the server's own sentences.

Titles, headlines, verdicts, findings and next steps are the server's words: a value taken from a
response or from job output enters them only when it matches, in full, the strict grammar of what it
claims to be (docs/tools.md, "Trusted values"). Anything else is left out of the sentence (a neutral
phrase is said instead) and stays only where it is labelled as data (evidence, reasons, raw).
"""

from __future__ import annotations

import re

_NAME = r"`?[A-Za-z_$][\w$-]{0,63}`?"
GRAMMAR: dict[str, re.Pattern[str]] = {
    # A plain identifier: a column, a type, a database or a workgroup name part.
    "identifier": re.compile(r"[A-Za-z_][\w-]{0,63}"),
    # A dotted name (db.table, a.b.column, a Python module), parts optionally in backticks.
    "dotted": re.compile(rf"{_NAME}(?:\.{_NAME}){{0,4}}"),
    # A comma-separated list of at most 10 dotted names (Spark's "Did you mean one of the following?").
    "names": re.compile(rf"{_NAME}(?:\.{_NAME}){{0,4}}(?:, {_NAME}(?:\.{_NAME}){{0,4}}){{0,9}}"),
    # An IAM action: service prefix, colon, action name (a wildcard allowed).
    "action": re.compile(r"[a-z0-9-]{2,32}:[A-Za-z0-9*]{1,64}"),
    # An ARN: partition, service, region, account, resource (no spaces, no quotes).
    "arn": re.compile(r"arn:aws[a-z-]{0,16}:[a-z0-9-]{1,32}:[a-z0-9-]{0,32}:\d{0,12}:[\w+=,.@/:*-]{1,200}"),
    # An S3 location: s3://, s3a:// or s3n://, a bucket name and an optional key of safe characters.
    "s3": re.compile(r"s3[an]?://[a-z0-9][a-z0-9.-]{1,62}(?:/[\w.=/*+%-]{0,200})?"),
    # A Spark property name.
    "spark_key": re.compile(r"spark\.[A-Za-z0-9_.-]{1,120}"),
    # A number, with an optional unit (sizes, seconds, executor numbers).
    "number": re.compile(r"\d{1,9}(?:\.\d{1,3})?(?: ?[A-Za-z]{1,5})?"),
    # A token of SQL text: no spaces, short.
    "token": re.compile(r"'?[\w.,;:()\[\]{}*+=<>!/|&%`-]{1,40}'?"),
    # A state or enum value as the APIs spell them.
    "state": re.compile(r"[A-Z][A-Z_]{0,31}"),
    # A session, calculation or executor id (UUID-like or Athena's ids), a workgroup name.
    "id": re.compile(r"[\w.-]{1,128}"),
}


def trusted(kind: str, value: str | None) -> str | None:
    """`value` when it matches the grammar of `kind` in full, else None (say a neutral phrase instead)."""
    if value is None:
        return None
    return value if GRAMMAR[kind].fullmatch(value) else None
