"""Tags in the emulator: a workgroup's (ListTagsForResource answers an empty list for an untagged one, as
Athena does) and an Apache Spark version 3.5 session's own (StartSession Tags, CopyWorkGroupTags)."""

from __future__ import annotations

from typing import Any

from athena_session_mcp.emulator import DEMO_SPARK35_WORKGROUP, DEMO_UNENCRYPTED_WORKGROUP
from athena_session_mcp.emulator.constants import DEMO_WORKGROUP_TAGS
from tests.fleet import emulated_athena

ACCOUNT = "123456789012"


def _tags(client: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceARN=arn)["Tags"]}


def test_workgroup_tags_and_an_untagged_workgroups_empty_list() -> None:
    with emulated_athena() as client:
        arn = f"arn:aws:athena:us-east-1:{ACCOUNT}:workgroup/"
        assert _tags(client, arn + DEMO_SPARK35_WORKGROUP) == DEMO_WORKGROUP_TAGS[DEMO_SPARK35_WORKGROUP]
        assert _tags(client, arn + DEMO_UNENCRYPTED_WORKGROUP) == {}


def test_a_35_sessions_own_tags_after_the_copied_workgroup_tags() -> None:
    with emulated_athena() as client:
        started = client.start_session(
            WorkGroup=DEMO_SPARK35_WORKGROUP,
            EngineConfiguration={"MaxConcurrentDpus": 2},
            Tags=[{"Key": "run", "Value": "nightly"}],
            CopyWorkGroupTags=True,
        )
        arn = f"arn:aws:athena:us-east-1:{ACCOUNT}:workgroup/{DEMO_SPARK35_WORKGROUP}/session/{started['SessionId']}"
        assert _tags(client, arn) == {"team": "ml", "run": "nightly"}  # the workgroup's team=ml copied
        plain = client.start_session(
            WorkGroup=DEMO_SPARK35_WORKGROUP, EngineConfiguration={"MaxConcurrentDpus": 2}
        )
        assert _tags(client, arn.rsplit("/", 1)[0] + "/" + plain["SessionId"]) == {}
