"""Readers for what a session's jobs wrote: S3 objects read from the end, CloudWatch Logs error lines.

Both are blocking boto3 calls (run them in a worker thread) and never read more than a fixed amount,
however large the object or the log group. What they return is text through the door (athena/text.py):
sanitized once, here. Failures raise botocore's exceptions: the caller decides
how to degrade (tools/job_content says which IAM action or setting is missing).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from athena_session_mcp.athena.text import looks_binary, sanitize, sanitize_bytes

if TYPE_CHECKING:
    from types_boto3_logs import CloudWatchLogsClient
    from types_boto3_s3 import S3Client

# The end of stderr/stdout holds the exception; 8 KiB is a few dozen lines of traceback.
TAIL_BYTES = 8 * 1024
# CloudWatch Logs: at most this many events per page, this many pages and this long per scan; keep the
# newest MAX_LOG_EVENTS_KEPT matching events.
LOG_PAGE_EVENTS = 200
LOG_MAX_PAGES = 12
LOG_MAX_SECONDS = 8.0
MAX_LOG_EVENTS_KEPT = 200
# The window is read from its end, in slices that grow towards its start: failures are usually at the end.
LOG_SLICES_MS = (15 * 60_000, 60 * 60_000, 4 * 3_600_000, 24 * 3_600_000)
MAX_STREAMS = 50
# Server-side filter: any event with one of these terms (CloudWatch filter pattern syntax, case-sensitive).
ERROR_FILTER_PATTERN = "?ERROR ?FATAL ?Exception ?Error ?Traceback ?Caused"

_CONTENT_RANGE = re.compile(r"bytes \d+-\d+/(\d+)")
_ERROR_LEVEL = re.compile(r"\b(ERROR|FATAL|SEVERE|CRITICAL)\b")
_ERRORISH = re.compile(r"Exception|Error\b|Error:|Traceback|Caused by", re.IGNORECASE)


def split_s3_uri(uri: str) -> tuple[str, str] | None:
    """(bucket, key) of an s3:// URI, or None when it is not one."""
    if not uri.startswith("s3://"):
        return None
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return (bucket, key) if bucket and key else None


@dataclass(frozen=True, slots=True)
class Tail:
    """The last bytes of an S3 object: job content, sanitized. A read that starts mid-object usually
    starts mid-line: that first, cut line is dropped. Binary content yields no text."""

    uri: str
    size_bytes: int
    read_bytes: int
    text: str
    binary: bool = False

    @property
    def starts_mid_object(self) -> bool:
        return self.read_bytes < self.size_bytes


def read_tail(client: S3Client, uri: str, *, max_bytes: int = TAIL_BYTES) -> Tail:
    """The last `max_bytes` of the object at `uri` with one ranged GetObject (never the whole object)."""
    from botocore.exceptions import ClientError

    where = split_s3_uri(uri)
    if where is None:
        raise ValueError(f"not an s3:// URI: {uri[:120]!r}")
    bucket, key = where
    try:
        response = client.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{max_bytes}")
    except ClientError as exc:
        # S3 answers 416 InvalidRange for a suffix range on an empty object.
        if exc.response.get("Error", {}).get("Code") == "InvalidRange":
            return Tail(uri=uri, size_bytes=0, read_bytes=0, text="")
        raise
    body = response["Body"]
    try:
        # Read at most max_bytes even from a server that ignored the Range header.
        data = body.read(max_bytes)
    finally:
        body.close()
    match = _CONTENT_RANGE.fullmatch(str(response.get("ContentRange") or ""))
    size = int(match.group(1)) if match else int(response.get("ContentLength") or len(data))
    if looks_binary(data):
        return Tail(uri=uri, size_bytes=size, read_bytes=len(data), text="", binary=True)
    shown = data
    if len(data) < size:
        newline = data.find(b"\n")
        shown = data[newline + 1 :] if newline >= 0 else data
    return Tail(uri=uri, size_bytes=size, read_bytes=len(data), text=sanitize_bytes(shown))


@dataclass(frozen=True, slots=True)
class LogLine:
    timestamp_ms: int
    stream: str
    message: str
    rank: int  # 0: ERROR/FATAL level, 1: exception or traceback text, 2: other


def rank_message(message: str) -> int:
    """0 for ERROR/FATAL lines, 1 for exceptions and tracebacks, 2 for anything else."""
    if _ERROR_LEVEL.search(message):
        return 0
    return 1 if _ERRORISH.search(message) else 2


@dataclass(slots=True)
class LogScan:
    """Error lines of a session's log streams within a time window, newest kept."""

    lines: list[LogLine] = field(default_factory=list[LogLine])
    events_read: int = 0
    pages: int = 0
    complete: bool = True  # False when the page or time budget stopped the scan before the window's start
    unread_before_ms: int | None = None  # when incomplete: events at or before this time were not all read
    dropped: int = 0  # matching events read but not kept (older than the newest MAX_LOG_EVENTS_KEPT)


def list_streams(client: CloudWatchLogsClient, group: str, prefix: str, session_id: str) -> list[str]:
    """Names of the session's log streams: DescribeLogStreams by the session's own prefix, paged, at most
    MAX_STREAMS."""
    names: list[str] = []
    request: dict[str, Any] = {"logGroupName": group, "logStreamNamePrefix": prefix, "limit": MAX_STREAMS}
    for _ in range(LOG_MAX_PAGES):
        response = client.describe_log_streams(**request)
        names += [sanitize(str(s.get("logStreamName") or "")) for s in response.get("logStreams", [])]
        token = response.get("nextToken")
        if not token or len(names) >= MAX_STREAMS:
            break
        request["nextToken"] = token
    return [name for name in names if session_id in name][:MAX_STREAMS]


def scan_errors(
    client: CloudWatchLogsClient,
    group: str,
    prefix: str,
    session_id: str,
    *,
    start_ms: int,
    end_ms: int,
    max_pages: int = LOG_MAX_PAGES,
    max_seconds: float = LOG_MAX_SECONDS,
    keep: int = MAX_LOG_EVENTS_KEPT,
    clock: Callable[[], float] = time.monotonic,
) -> LogScan:
    """ERROR/Exception/Traceback events of the session's streams between start_ms and end_ms.

    Reads the window from its end in growing slices; within a slice pages while a nextToken comes back,
    even after an empty page (FilterLogEvents may return empty pages mid-way). Stops at max_pages pages or
    max_seconds, saying so (complete=False, unread_before_ms), and keeps the newest `keep` events."""
    scan = LogScan()
    deadline = clock() + max_seconds
    found: list[LogLine] = []
    slice_end = end_ms
    index = 0
    while slice_end >= start_ms and len(found) < keep:
        span = LOG_SLICES_MS[min(index, len(LOG_SLICES_MS) - 1)]
        index += 1
        slice_start = max(start_ms, slice_end - span + 1)
        request: dict[str, Any] = {
            "logGroupName": group,
            "logStreamNamePrefix": prefix,
            "startTime": slice_start,
            "endTime": slice_end,
            "filterPattern": ERROR_FILTER_PATTERN,
            "limit": LOG_PAGE_EVENTS,
        }
        in_slice: list[LogLine] = []
        while True:
            if scan.pages >= max_pages or clock() > deadline:
                scan.complete = False
                scan.unread_before_ms = slice_end
                break
            response = client.filter_log_events(**request)
            scan.pages += 1
            events: list[Mapping[str, Any]] = list(response.get("events", []))
            scan.events_read += len(events)
            for event in events:
                stream = sanitize(str(event.get("logStreamName") or ""))
                message = sanitize(str(event.get("message") or ""))
                # A stream prefix shared with other sessions must not bring their errors in.
                if session_id not in stream:
                    continue
                timestamp = event.get("timestamp")
                stamp = timestamp if isinstance(timestamp, int) else 0
                in_slice.append(LogLine(stamp, stream, message, rank_message(message)))
            token = response.get("nextToken")
            if not token:
                break
            request["nextToken"] = token
        found = in_slice + found
        if not scan.complete:
            break
        slice_end = slice_start - 1
    found.sort(key=lambda line: line.timestamp_ms)
    if len(found) > keep:
        scan.dropped = len(found) - keep
        found = found[-keep:]
    if scan.complete and slice_end >= start_ms:
        # Stopped early because enough newer events were found: older ones were not read.
        scan.unread_before_ms = slice_end
    # Errors first; within a rank the newest first (the failure is usually at the end).
    scan.lines = sorted(found, key=lambda line: (line.rank, -line.timestamp_ms))
    return scan
