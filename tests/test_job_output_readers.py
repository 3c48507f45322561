"""job_output: ranged S3 tail reads and bounded CloudWatch Logs error scans, in botocore's shapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.stub import Stubber

from athena_session_mcp.athena.job_output import (
    ERROR_FILTER_PATTERN,
    LOG_MAX_PAGES,
    LOG_PAGE_EVENTS,
    list_streams,
    rank_message,
    read_tail,
    scan_errors,
    split_s3_uri,
)
from athena_session_mcp.health.untrusted import excerpt

if TYPE_CHECKING:
    from types_boto3_logs import CloudWatchLogsClient
    from types_boto3_s3 import S3Client

GROUP = "/aws-athena/spark-wg"
SESSION = "s-1"


@pytest.fixture
def s3() -> Iterator[S3Client]:
    from moto import mock_aws

    with mock_aws():
        client: S3Client = boto3.client("s3", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
        client.create_bucket(Bucket="results")
        yield client


@pytest.fixture
def logs() -> CloudWatchLogsClient:
    client: CloudWatchLogsClient = boto3.client("logs", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
    return client


def test_splits_s3_uris_and_refuses_anything_else(s3: S3Client) -> None:
    assert split_s3_uri("s3://bucket/a/b.txt") == ("bucket", "a/b.txt")
    assert split_s3_uri("s3://bucket/") is None and split_s3_uri("https://x/y") is None
    with pytest.raises(ValueError, match="not an s3:// URI"):
        read_tail(s3, "https://example.com/stderr.txt")


def test_an_empty_object_has_an_empty_tail(s3: S3Client) -> None:
    s3.put_object(Bucket="results", Key="empty.txt", Body=b"")
    tail = read_tail(s3, "s3://results/empty.txt")
    assert (tail.size_bytes, tail.read_bytes, tail.text) == (0, 0, "")


def test_a_small_object_is_read_whole_and_a_large_one_from_its_last_complete_line(s3: S3Client) -> None:
    s3.put_object(Bucket="results", Key="small.txt", Body=b"one\ntwo\n")
    small = read_tail(s3, "s3://results/small.txt")
    assert small.text == "one\ntwo\n" and not small.starts_mid_object
    assert excerpt(small.text).lines == ["one", "two"]
    s3.put_object(Bucket="results", Key="large.txt", Body=b"".join(b"line %05d\n" % i for i in range(5000)))
    large = read_tail(s3, "s3://results/large.txt", max_bytes=105)
    assert large.starts_mid_object and large.read_bytes == 105 and large.size_bytes == 55_000
    # 105 bytes from the end start inside "line 04990": that cut line is dropped.
    assert large.text.startswith("line 04991\n")
    assert excerpt(large.text, max_lines=3).lines == [
        "line 04997",
        "line 04998",
        "line 04999",
    ]
    assert excerpt(large.text).lines[0] == "line 04991"


def test_binary_output_is_reported_not_shown(s3: S3Client) -> None:
    s3.put_object(Bucket="results", Key="core", Body=bytes(range(256)) * 64)
    shown = read_tail(s3, "s3://results/core")
    assert shown.binary and shown.text == ""


def test_lists_only_the_sessions_streams(logs: CloudWatchLogsClient) -> None:
    with Stubber(logs) as stub:
        stub.add_response(
            "describe_log_streams",
            {"logStreams": [{"logStreamName": f"{SESSION}/e1/u1"}, {"logStreamName": "other/e2/u2"}]},
            {"logGroupName": GROUP, "logStreamNamePrefix": f"{SESSION}/", "limit": 50},
        )
        assert list_streams(logs, GROUP, f"{SESSION}/", SESSION) == [f"{SESSION}/e1/u1"]


def test_error_scan_filters_server_side_ranks_errors_first_and_stops_after_its_page_limit(
    logs: CloudWatchLogsClient,
) -> None:
    page = {
        "events": [
            {
                "logStreamName": f"{SESSION}/e1/u",
                "timestamp": 1,
                "message": "Traceback (most recent call last):",
            },
            {
                "logStreamName": f"{SESSION}/e1/u",
                "timestamp": 2,
                "message": "AthenaForApacheSpark: x ERROR a: boom",
            },
            {"logStreamName": "someone-else/e9/u", "timestamp": 3, "message": "ERROR not ours"},
        ],
        "nextToken": "more",
    }
    expected = {
        "logGroupName": GROUP,
        "logStreamNamePrefix": f"{SESSION}/",
        "startTime": 10,
        "endTime": 20,
        "filterPattern": ERROR_FILTER_PATTERN,
        "limit": LOG_PAGE_EVENTS,
    }
    with Stubber(logs) as stub:
        stub.add_response("filter_log_events", page, expected)
        for _ in range(LOG_MAX_PAGES - 1):
            stub.add_response("filter_log_events", page, {**expected, "nextToken": "more"})
        scan = scan_errors(logs, GROUP, f"{SESSION}/", SESSION, start_ms=10, end_ms=20)
    assert scan.events_read == 3 * LOG_MAX_PAGES and scan.complete is False
    assert [line.rank for line in scan.lines[:2]] == [0, 0]
    assert all(SESSION in line.stream for line in scan.lines)
    assert scan.lines[-1].message == "Traceback (most recent call last):"


@pytest.mark.parametrize(
    ("message", "rank"),
    [
        ("AthenaForApacheSpark: 2022-01-01 12:00:00,000 ERROR builtins: x", 0),
        ("FATAL: driver lost", 0),
        ("java.lang.IllegalStateException: x", 1),
        ("Traceback (most recent call last):", 1),
        ("AthenaForApacheSpark: 2022-01-01 12:00:00,000 INFO builtins: Hello world.", 2),
    ],
)
def test_ranks_error_levels_before_exceptions_before_the_rest(message: str, rank: int) -> None:
    assert rank_message(message) == rank


def _scan_request(start: int, end: int, token: str | None = None) -> dict[str, object]:
    request: dict[str, object] = {
        "logGroupName": GROUP,
        "logStreamNamePrefix": f"{SESSION}/",
        "startTime": start,
        "endTime": end,
        "filterPattern": ERROR_FILTER_PATTERN,
        "limit": LOG_PAGE_EVENTS,
    }
    if token is not None:
        request["nextToken"] = token
    return request


def _event(timestamp: int, text: str = "boom") -> dict[str, object]:
    return {"logStreamName": f"{SESSION}/e1/u", "timestamp": timestamp, "message": f"x ERROR a: {text}"}


def test_an_empty_page_with_a_token_does_not_end_the_scan(logs: CloudWatchLogsClient) -> None:
    with Stubber(logs) as stub:
        stub.add_response("filter_log_events", {"events": [], "nextToken": "t1"}, _scan_request(10, 20))
        stub.add_response("filter_log_events", {"events": [_event(15)]}, _scan_request(10, 20, "t1"))
        scan = scan_errors(logs, GROUP, f"{SESSION}/", SESSION, start_ms=10, end_ms=20)
        stub.assert_no_pending_responses()
    assert [line.timestamp_ms for line in scan.lines] == [15]
    assert scan.complete and scan.pages == 2 and scan.unread_before_ms is None


def test_the_window_is_read_from_its_end_and_the_newest_errors_are_kept(logs: CloudWatchLogsClient) -> None:
    end = 10 * 3_600_000
    quarter, hour = 15 * 60_000, 60 * 60_000
    last = _scan_request(end - quarter + 1, end)
    before = _scan_request(end - quarter - hour + 1, end - quarter)
    with Stubber(logs) as stub:
        stub.add_response("filter_log_events", {"events": [_event(end - 2, "newest"), _event(end - 1)]}, last)
        stub.add_response(
            "filter_log_events", {"events": [_event(end - hour, "oldest"), _event(end - quarter)]}, before
        )
        scan = scan_errors(logs, GROUP, f"{SESSION}/", SESSION, start_ms=0, end_ms=end, keep=3)
        stub.assert_no_pending_responses()
    # Three kept, the oldest dropped, and the rest of the window (before the second slice) never read.
    assert sorted(line.timestamp_ms for line in scan.lines) == [end - quarter, end - 2, end - 1]
    assert scan.dropped == 1 and scan.complete
    assert scan.unread_before_ms == end - quarter - hour


def test_the_time_budget_stops_the_scan_and_says_what_was_not_read(logs: CloudWatchLogsClient) -> None:
    ticks = iter([0.0, 1.0, 9.0])  # start, before page 1, before page 2: past the 8 s budget
    with Stubber(logs) as stub:
        stub.add_response(
            "filter_log_events", {"events": [_event(19)], "nextToken": "t"}, _scan_request(10, 20)
        )
        scan = scan_errors(
            logs, GROUP, f"{SESSION}/", SESSION, start_ms=10, end_ms=20, clock=lambda: next(ticks)
        )
    assert not scan.complete and scan.unread_before_ms == 20 and scan.pages == 1
    assert [line.timestamp_ms for line in scan.lines] == [19]


def test_stream_listing_follows_next_tokens(logs: CloudWatchLogsClient) -> None:
    request = {"logGroupName": GROUP, "logStreamNamePrefix": f"{SESSION}/", "limit": 50}
    with Stubber(logs) as stub:
        stub.add_response(
            "describe_log_streams",
            {"logStreams": [{"logStreamName": f"{SESSION}/e1/u1"}], "nextToken": "n"},
            request,
        )
        stub.add_response(
            "describe_log_streams",
            {"logStreams": [{"logStreamName": f"{SESSION}/e2/u2"}]},
            {**request, "nextToken": "n"},
        )
        assert list_streams(logs, GROUP, f"{SESSION}/", SESSION) == [f"{SESSION}/e1/u1", f"{SESSION}/e2/u2"]
