"""summarize_athena_account on a large account, side by side with the same reads made by hand.

An account of 4 regions x 10 Spark workgroups x 50 sessions (2,000 sessions) behind one loopback endpoint
answering every call after ~25 ms (issue R's figures). Measured:
- ours: the console script over stdio, one summarize_athena_account call (Days 1) over the 4 regions;
- by hand: warm boto3 clients, 16 threads per region, making the same reads (ListWorkGroups, ListSessions
  for every state of every workgroup, GetSession of every session listed).
Also the answer's size (it must stay under 12,000 characters).

    .venv/bin/python benchmarks/account.py [--regions 4] [--workgroups 10] [--sessions 50] [--latency 0.025]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability import FakeAthena, Json, Reply, aws_error, serve_fake
from tests.stdio_harness import StdioServer, server_env, tool_text
from tests.workgroup_fake import WorkgroupFake, fleet

from athena_session_mcp.athena.vocabulary import SESSION_STATES

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret"}
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Account:
    """Every workgroup of the account, answered with the same latency whatever the region."""

    workgroups: dict[str, WorkgroupFake]
    latency: float

    def behaviour(self, operation: str, request: Json) -> Reply:
        if operation == "ListWorkGroups":
            body = {
                "WorkGroups": [
                    {
                        "Name": name,
                        "State": "ENABLED",
                        "EngineVersion": {
                            "SelectedEngineVersion": "PySpark engine version 3",
                            "EffectiveEngineVersion": "PySpark engine version 3",
                        },
                    }
                    for name in self.workgroups
                ]
            }
            return Reply(body=body, delay=self.latency)
        if operation == "ListSessions":
            fake = self.workgroups.get(str(request.get("WorkGroup")))
            if fake is None:
                return aws_error(400, "InvalidRequestException", "WorkGroup is not found.")
            return fake.behaviour(operation, request)
        if operation == "GetSession":
            name = str(request.get("SessionId", "")).rsplit("-s-", 1)[0]
            fake = self.workgroups.get(name)
            if fake is None:
                return aws_error(400, "InvalidRequestException", "Session is not found.")
            return fake.behaviour(operation, request)
        return Reply(body={}, delay=self.latency)


def account(workgroups: int, sessions: int, latency: float) -> Account:
    now = time.time()
    groups: dict[str, WorkgroupFake] = {}
    for w in range(workgroups):
        name = f"wg-{w:02d}"
        members = [replace(s, session_id=f"{name}-{s.session_id}") for s in fleet(sessions, now)]
        groups[name] = WorkgroupFake(name, members, latency=latency)
    return Account(groups, latency)


def by_hand(url: str, regions: tuple[str, ...], threads: int) -> tuple[float, int]:
    """The same reads with warm boto3 clients, `threads` per region, regions side by side."""
    clients: dict[str, Any] = {
        region: boto3.session.Session(  # pyright: ignore[reportUnknownMemberType]
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=region,
        ).client("athena", endpoint_url=url)
        for region in regions
    }
    for client in clients.values():
        client.list_work_groups()  # warm: service model, endpoint rules, connection

    def region_reads(region: str) -> int:
        client = clients[region]
        names: list[str] = [w["Name"] for w in client.list_work_groups()["WorkGroups"]]

        def list_state(pair: tuple[str, str]) -> list[str]:
            page = client.list_sessions(WorkGroup=pair[0], StateFilter=pair[1], MaxResults=100)
            return [str(s["SessionId"]) for s in page["Sessions"]]

        def read(session_id: str) -> None:
            client.get_session(SessionId=session_id)

        pairs = [(name, state) for name in names for state in SESSION_STATES]
        with ThreadPoolExecutor(threads) as pool:
            ids = [session_id for found in pool.map(list_state, pairs) for session_id in found]
            list(pool.map(read, ids))
        return 1 + len(pairs) + len(ids)

    begin = time.perf_counter()
    with ThreadPoolExecutor(len(regions)) as pool:
        calls = sum(pool.map(region_reads, regions))
    return time.perf_counter() - begin, calls


def ours(url: str, regions: tuple[str, ...]) -> tuple[float, dict[str, Any], int]:
    env = server_env(CREDENTIALS, {"AWS_ENDPOINT_URL": url})
    args = ["serve", "--endpoint-url", url, "--region", regions[0], "--regions", ",".join(regions)]
    with StdioServer(args, env).start() as server:
        server.initialize(timeout=60)
        server.call_tool("list_spark_workgroups", {})  # warm: the first region's client
        begin = time.perf_counter()
        response = server.call_tool("summarize_athena_account", {"Days": 1}, timeout=120)
        seconds = time.perf_counter() - begin
    text = tool_text(response)
    return seconds, json.loads(text), len(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--workgroups", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.025)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    regions = REGIONS[: args.regions]
    fake = account(args.workgroups, args.sessions, args.latency)
    endpoint = FakeAthena(fake.behaviour)
    with serve_fake(endpoint) as url:
        hand_s, hand_calls = by_hand(url, regions, args.threads)
        endpoint.reset(fake.behaviour)
        ours_s, content, chars = ours(url, regions)
        ours_calls = sum(endpoint.attempts.values())
    report = {
        "account": f"{len(regions)} regions x {args.workgroups} workgroups x {args.sessions} sessions",
        "latency_ms": args.latency * 1000,
        "by_hand_s": round(hand_s, 2),
        "by_hand_calls": hand_calls,
        "ours_s": round(ours_s, 2),
        "ours_calls": ours_calls,
        "ratio": round(ours_s / hand_s, 2),
        "answer_chars": chars,
        "sessions_read": content.get("sessions_read"),
        "gaps": content.get("gaps", []),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "account.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
