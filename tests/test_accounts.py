"""--account NAME=ROLE_ARN: other accounts, reached with sts:AssumeRole. Expected values come from the IAM
and STS API references (role ARN and ExternalId grammars) and from the emulator's seed (emulator/seed.py:
the second account 111122223333 holds demo-account2-idle and demo-account2-spark35-failed, which the
first account does not)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.cli.main import main
from athena_session_mcp.emulator import (
    SECOND_ACCOUNT_ID,
    SECOND_ACCOUNT_ROLE_ARN,
    SECOND_ACCOUNT_SESSION_STATES,
    SESSION_ACCOUNT2_IDLE,
    SESSION_ACCOUNT2_NOTEBOOK,
    SESSION_ACCOUNT2_SPARK35_FAILED,
    SESSION_IDLE,
    SESSION_SPARK35_FAILED,
)
from athena_session_mcp.settings import AccountRole, Settings, SettingsError, parse_accounts, split_accounts
from athena_session_mcp.transport.audit import ToolCallGuard, audit_logger
from athena_session_mcp.transport.oauth import OAuthOptions
from tests.conftest import NOW, server_for
from tests.fleet import call_error, call_ok, call_rejected, emulated_athena

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

pytestmark = pytest.mark.anyio
SCHEMAS = Path(__file__).parent.parent / "tool_schemas"

ROLE = "arn:aws:iam::111122223333:role/athena-session-mcp-reader"


def test_accounts_parse_names_roles_and_external_ids() -> None:
    accounts = parse_accounts(
        [f"prod={ROLE}", "staging=arn:aws-us-gov:iam::444455556666:role/team/a,b=c@d"], ["prod=Ext:1/2,3"]
    )
    assert accounts == (
        AccountRole("prod", ROLE, "Ext:1/2,3"),
        AccountRole("staging", "arn:aws-us-gov:iam::444455556666:role/team/a,b=c@d"),
    )
    assert accounts[0].account_id == "111122223333"
    assert "Ext" not in repr(accounts[0])  # the external id stays out of logs and reprs


def test_accounts_come_from_the_environment_and_flags_win() -> None:
    env = {
        "ATHENA_SESSION_MCP_ACCOUNTS": f"prod={ROLE},dev=arn:aws:iam::444455556666:role/r\n  qa={ROLE}",
        "ATHENA_SESSION_MCP_ACCOUNT_EXTERNAL_IDS": "prod=abc dev=x,y",
    }
    settings = Settings.resolve(env)
    assert [(a.name, a.external_id) for a in settings.accounts] == [
        ("prod", "abc"),
        ("dev", "x,y"),
        ("qa", None),
    ]
    assert settings.account("dev") is not None and settings.account("Dev") is None
    assert Settings.resolve(env, accounts=[f"only={ROLE}"], account_external_ids=[]).accounts == (
        AccountRole("only", ROLE),
    )
    assert Settings.resolve({}).accounts == ()


def test_a_role_name_with_commas_is_one_entry() -> None:
    assert split_accounts(f"a=arn:aws:iam::111122223333:role/x,y=z, b={ROLE}") == [
        "a=arn:aws:iam::111122223333:role/x,y=z",
        f"b={ROLE}",
    ]


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (ROLE, "takes NAME=VALUE"),  # no name
        (f"9prod={ROLE}", "starting with a letter"),
        (f"prod name={ROLE}", "takes NAME=VALUE"),
        (f"{'a' * 33}={ROLE}", "at most 32 characters"),
        ("prod=arn:aws:iam::11112222333:role/r", "is not an IAM role ARN"),  # 11 digits
        ("prod=arn:aws:iam::111122223333:user/r", "is not an IAM role ARN"),
        ("prod=arn:aws:sts::111122223333:assumed-role/r/s", "is not an IAM role ARN"),
        ("prod=111122223333", "is not an IAM role ARN"),
        (f"prod={ROLE}/", "is not an IAM role ARN"),
        (f"prod=arn:aws:iam::111122223333:role/{'r' * 65}", "is not an IAM role ARN"),
    ],
)
def test_bad_accounts_are_refused_at_startup_with_the_right_form(entry: str, said: str) -> None:
    with pytest.raises(SettingsError, match=said) as caught:
        parse_accounts([entry])
    assert "arn:aws:iam::111122223333:role/athena-session-mcp-reader" in str(caught.value)  # the example


def test_an_account_name_declared_twice_is_refused() -> None:
    with pytest.raises(SettingsError, match="'Prod' is declared twice"):
        parse_accounts([f"prod={ROLE}", f"Prod={ROLE}"])


def test_at_most_twenty_accounts() -> None:
    assert len(parse_accounts([f"a{i}={ROLE}" for i in range(20)])) == 20
    with pytest.raises(SettingsError, match="at most 20"):
        parse_accounts([f"a{i}={ROLE}" for i in range(21)])


@pytest.mark.parametrize(
    ("external", "said"),
    [
        ("other=abc", "no account 'other' is declared"),
        ("prod=Q", "2 to 1224 characters"),  # STS: at least 2
        ("prod=has space", "2 to 1224 characters"),
        ("prod=" + "x" * 1225, "2 to 1224 characters"),
    ],
)
def test_bad_external_ids_are_refused_without_being_shown(external: str, said: str) -> None:
    with pytest.raises(SettingsError, match=said) as caught:
        parse_accounts([f"prod={ROLE}"], [external])
    assert external.partition("=")[2] not in str(caught.value)


def test_an_external_id_of_1224_characters_is_accepted() -> None:
    assert parse_accounts([f"prod={ROLE}"], ["prod=" + "x" * 1224])[0].external_id == "x" * 1224


# -- the tools, against the in-process emulator (two accounts) --------------------------------------

SECOND = f"second={SECOND_ACCOUNT_ROLE_ARN}"
WITH_SECOND = Settings(region="us-east-1", accounts=parse_accounts([SECOND], ["second=ext-123"]))


def _assumed() -> list[Any]:
    """Every AssumeRole moto answered, in any account (moto records a role in its target account)."""
    from moto.sts.models import sts_backends

    return [
        role
        for account in list(sts_backends.keys())
        for backend in sts_backends[account].values()
        for role in backend.assumed_roles
    ]


@pytest.fixture
def athena() -> Iterator[AthenaClient]:
    with emulated_athena() as client:
        yield client


@pytest.fixture
def two_accounts(athena: AthenaClient) -> MCPServer:
    return server_for(athena, settings=WITH_SECOND)


async def _tools(server: MCPServer) -> dict[str, dict[str, Any]]:
    async with Client(server) as client:
        listed = (await client.list_tools()).tools
    return {t.name: t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed}


async def test_without_accounts_no_tool_takes_account_and_the_schemas_are_todays() -> None:
    tools = await _tools(build_server(Settings(region="us-east-1", allow_write=True)))
    for name, tool in tools.items():
        assert "Account" not in tool["inputSchema"]["properties"], name
        # An answer's `account` is optional: absent unless a declared account was read.
        assert "account" not in tool.get("outputSchema", {}).get("required", []), name
        # tool_schemas/ is what `make schemas` wrote before accounts existed (tests/test_schemas.py checks
        # every file; this is the same comparison for the input of each tool).
        published = json.loads((SCHEMAS / f"{name}.json").read_text())
        assert tool["inputSchema"] == published["inputSchema"], name


async def test_declared_accounts_are_an_enum_on_every_tool_but_get_athena_session() -> None:
    declared = Settings(
        region="us-east-1", allow_write=True, accounts=parse_accounts([SECOND, f"prod={ROLE}"])
    )
    plain = await _tools(build_server(Settings(region="us-east-1", allow_write=True)))
    tools = await _tools(build_server(declared))
    # get_athena_session's input stays exactly the GetSession request.
    assert tools["get_athena_session"]["inputSchema"] == plain["get_athena_session"]["inputSchema"]
    assert set(tools["get_athena_session"]["inputSchema"]["properties"]) == {"SessionId"}
    others = [name for name in tools if name != "get_athena_session"]
    assert len(others) == 11
    for name in others:
        schema = tools[name]["inputSchema"]
        account = schema["properties"].pop("Account")
        assert account["anyOf"] == [{"enum": ["second", "prod"], "type": "string"}, {"type": "null"}], name
        assert "arn:" not in json.dumps(account)  # names only, never a role ARN
        assert "Account" not in schema.get("required", []), name
        assert schema == plain[name]["inputSchema"], name  # nothing else changed


async def test_a_tool_reads_the_second_accounts_session_through_assume_role(
    two_accounts: MCPServer,
) -> None:
    answer = await call_ok(
        two_accounts, "get_athena_session_status", {"SessionId": SESSION_ACCOUNT2_IDLE, "Account": "second"}
    )
    assert answer["account"] == "second"
    assert answer["region"] == "us-east-1"
    assert answer["summary"]["state"] == SECOND_ACCOUNT_SESSION_STATES[SESSION_ACCOUNT2_IDLE]
    [role] = _assumed()
    assert role.role_arn == SECOND_ACCOUNT_ROLE_ARN
    assert role.account_id == SECOND_ACCOUNT_ID
    assert role.external_id == "ext-123"
    assert role.session_name == "athena-session-mcp"
    # The server's own account does not have it: the answer above came from the second account.
    text = await call_error(two_accounts, "get_athena_session_status", {"SessionId": SESSION_ACCOUNT2_IDLE})
    assert "was not found in region us-east-1" in text
    assert "for a session in a declared account, pass Account (second)" in text


async def test_own_sessions_are_read_with_the_servers_credentials_when_account_is_left_out(
    two_accounts: MCPServer,
) -> None:
    answer = await call_ok(two_accounts, "get_athena_session_status", {"SessionId": SESSION_IDLE})
    assert answer["summary"]["state"] == "IDLE"
    assert "account" not in answer
    assert _assumed() == []
    text = await call_error(
        two_accounts, "get_athena_session_status", {"SessionId": SESSION_IDLE, "Account": "second"}
    )
    assert "was not found in region us-east-1" in text  # demo-idle lives in the first account only


async def test_listing_a_workgroup_of_the_second_account_lists_its_sessions_only(
    two_accounts: MCPServer,
) -> None:
    listed = await call_ok(
        two_accounts,
        "list_athena_sessions",
        {"WorkGroup": "demo-spark35", "StateFilter": "FAILED", "Account": "second"},
    )
    assert [row["session_id"] for row in listed["sessions"]] == [SESSION_ACCOUNT2_SPARK35_FAILED]
    own = await call_ok(
        two_accounts, "list_athena_sessions", {"WorkGroup": "demo-spark35", "StateFilter": "FAILED"}
    )
    assert [row["session_id"] for row in own["sessions"]] == [SESSION_SPARK35_FAILED]


async def test_a_paged_listing_continues_in_the_same_account(two_accounts: MCPServer) -> None:
    first = await call_ok(
        two_accounts,
        "list_athena_sessions",
        {"WorkGroup": "demo-spark", "MaxResults": 1, "Account": "second"},
    )
    assert first["continue_with"]["Account"] == "second"
    rest = await call_ok(two_accounts, "list_athena_sessions", first["continue_with"])
    seen = {row["session_id"] for row in [*first["sessions"], *rest["sessions"]]}
    assert seen == {SESSION_ACCOUNT2_IDLE, SESSION_ACCOUNT2_NOTEBOOK}  # the second account's active ones


async def test_diagnosis_in_the_second_account_reads_an_apache_spark_35_session(
    two_accounts: MCPServer,
) -> None:
    answer = await call_ok(
        two_accounts,
        "diagnose_athena_session",
        {"SessionId": SESSION_ACCOUNT2_SPARK35_FAILED, "Account": "second"},
    )
    assert answer["account"] == "second"
    assert answer["engine"] == "spark-3.5"  # the second account's demo-spark35 workgroup
    assert answer["session"]["state"] == "FAILED"


async def test_get_athena_session_looks_in_the_declared_accounts_after_its_own(
    two_accounts: MCPServer,
) -> None:
    own = await call_ok(two_accounts, "get_athena_session", {"SessionId": SESSION_IDLE})
    assert "account" not in own
    assert _assumed() == []  # found at home: no other account asked
    other = await call_ok(two_accounts, "get_athena_session", {"SessionId": SESSION_ACCOUNT2_SPARK35_FAILED})
    assert other["account"] == "second"
    assert other["summary"]["state"] == "FAILED"
    assert other["raw"]["Description"] == "Demo: Spark 3.5, failed, in the second account"
    text = await call_error(two_accounts, "get_athena_session", {"SessionId": "no-such-session"})
    assert "'no-such-session' was not found in region us-east-1" in text
    assert "Not in the declared accounts either (searched: second)." in text


async def test_an_undeclared_account_is_refused_before_any_aws_call(athena: AthenaClient) -> None:
    server = server_for(athena, settings=WITH_SECOND)
    text = await call_rejected(
        athena, server, "list_athena_sessions", {"WorkGroup": "demo-spark", "Account": "third"}
    )
    assert (
        "Account: got a string of 5 characters, not one of its values; expected exactly one of second" in text
    )
    forged = await call_rejected(
        athena,
        server,
        "list_athena_sessions",
        {"WorkGroup": "demo-spark", "Account": SECOND_ACCOUNT_ROLE_ARN},
    )
    assert "expected exactly one of second" in forged
    assert SECOND_ACCOUNT_ROLE_ARN not in forged  # the caller's value is never echoed
    assert _assumed() == []


async def test_account_is_an_unknown_argument_when_no_account_is_declared(athena: AthenaClient) -> None:
    text = await call_rejected(
        athena, server_for(athena), "list_athena_sessions", {"WorkGroup": "demo-spark", "Account": "second"}
    )
    assert "unknown argument(s) 'Account'" in text


# -- sts:AssumeRole itself, against botocore's Stubber ----------------------------------------------

EXPIRES = datetime(2099, 1, 1, tzinfo=UTC)  # far off: botocore refreshes within 15 minutes of expiry


def _sts_stub() -> tuple[Any, Stubber]:
    make: Any = getattr(boto3, "client")  # noqa: B009  # no type stubs for STS here
    sts: Any = make("sts", region_name="us-east-1")
    return sts, Stubber(sts)


def _granted(key: str = "ASIATESTASSUMED00001") -> dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": key,
            "SecretAccessKey": "assumed-secret-never-printed",
            "SessionToken": "assumed-token-never-printed",
            "Expiration": EXPIRES,
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROATEST:athena-session-mcp", "Arn": f"{ROLE}/x"},
    }


def test_assume_role_sends_the_role_external_id_and_session_name_once_then_caches() -> None:
    sts, stub = _sts_stub()
    expected = {
        "RoleArn": ROLE,
        "RoleSessionName": "athena-session-mcp",
        "DurationSeconds": 3600,
        "ExternalId": "Ext-42",
    }
    stub.add_response("assume_role", _granted(), expected)
    settings = Settings(region="us-east-1", accounts=parse_accounts([f"prod={ROLE}"], ["prod=Ext-42"]))
    gateway = AthenaGateway(settings, sts=lambda *_, **__: sts)
    with stub:
        prod = gateway.for_account("prod")
        prod.resolve_credentials()
        prod.resolve_credentials()  # cached: a second AssumeRole would find no stubbed answer
        stub.assert_no_pending_responses()
    assert prod.account_name == "prod"
    assert gateway.for_account("prod") is prod
    assert gateway.for_account(None) is gateway
    frozen = prod._boto_session().get_credentials()  # pyright: ignore[reportPrivateUsage]
    assert frozen is not None and frozen.get_frozen_credentials().access_key == "ASIATESTASSUMED00001"


def test_credentials_about_to_expire_are_renewed_with_a_new_assume_role() -> None:
    sts, stub = _sts_stub()
    soon = _granted("ASIATESTEXPIRING0001")
    # Within botocore's mandatory refresh window (10 minutes before expiry): the next use renews them.
    soon["Credentials"]["Expiration"] = datetime.now(UTC) + timedelta(minutes=5)
    stub.add_response("assume_role", soon)
    stub.add_response("assume_role", _granted("ASIATESTRENEWED00001"))
    settings = Settings(region="us-east-1", accounts=parse_accounts([f"prod={ROLE}"]))
    prod = AthenaGateway(settings, sts=lambda *_, **__: sts).for_account("prod")
    with stub:
        prod.resolve_credentials()
        first = prod._boto_session().get_credentials()  # pyright: ignore[reportPrivateUsage]
        assert first is not None
        assert first.get_frozen_credentials().access_key == "ASIATESTRENEWED00001"
        stub.assert_no_pending_responses()


def test_without_an_external_id_none_is_sent() -> None:
    sts, stub = _sts_stub()
    stub.add_response(
        "assume_role",
        _granted(),
        {"RoleArn": ROLE, "RoleSessionName": "athena-session-mcp", "DurationSeconds": 3600},
    )
    settings = Settings(region="us-east-1", accounts=parse_accounts([f"prod={ROLE}"]))
    with stub:
        AthenaGateway(settings, sts=lambda *_, **__: sts).for_account("prod").resolve_credentials()
        stub.assert_no_pending_responses()


async def test_a_refused_assume_role_is_a_tool_error_naming_account_role_code_and_fix(
    athena: AthenaClient,
) -> None:
    sts, stub = _sts_stub()
    stub.add_client_error(
        "assume_role",
        service_error_code="AccessDenied",
        service_message=f"User: arn:aws:iam::123456789012:user/mcp is not authorized to perform: sts:AssumeRole on resource: {ROLE}",
        http_status_code=403,
    )
    settings = Settings(region="us-east-1", accounts=parse_accounts([f"prod={ROLE}"], ["prod=Ext-42"]))
    server = build_server(
        settings, gateway=AthenaGateway(settings, client=athena, sts=lambda *_, **__: sts), clock=lambda: NOW
    )
    with stub:
        text = await call_error(
            server, "get_athena_session_status", {"SessionId": SESSION_IDLE, "Account": "prod"}
        )
    assert f"Could not reach account 'prod': sts:AssumeRole on {ROLE} was refused (AccessDenied)." in text
    assert "trust policy" in text and "sts:ExternalId" in text
    assert "allows sts:AssumeRole on that role" in text
    assert "Ext-42" not in text  # the external id is never shown
    assert "athena:GetSessionStatus" not in text  # not mistaken for an Athena refusal


async def test_get_athena_session_names_an_account_it_could_not_search(athena: AthenaClient) -> None:
    sts, stub = _sts_stub()
    stub.add_client_error("assume_role", service_error_code="AccessDenied", http_status_code=403)
    settings = Settings(region="us-east-1", accounts=parse_accounts([f"prod={ROLE}"]))
    server = build_server(
        settings, gateway=AthenaGateway(settings, client=athena, sts=lambda *_, **__: sts), clock=lambda: NOW
    )
    with stub:
        text = await call_error(server, "get_athena_session", {"SessionId": "no-such-session"})
        # Found at home: the account whose role is refused is not asked.
        answer = await call_ok(server, "get_athena_session", {"SessionId": SESSION_IDLE})
    assert "Could not search prod (sts:AssumeRole failed: AccessDenied)" in text
    assert answer["summary"]["state"] == "IDLE"


# -- per-person identity: the person's web-identity credentials assume the account's role -----------


async def test_with_web_identity_the_persons_credentials_assume_the_accounts_role() -> None:
    from athena_session_mcp.athena.web_identity import WebIdentity, WebIdentityGateway

    who: ContextVar[WebIdentity | None] = ContextVar("who", default=None)
    web_role = "arn:aws:iam::123456789012:role/athena-mcp-users"
    with emulated_athena():
        gateway = WebIdentityGateway(WITH_SECOND, web_role, who.get)
        who.set(WebIdentity("https://id.example.com", "alice", "token-of-alice"))
        own = await gateway.call(
            lambda client: client.get_session(SessionId=SESSION_IDLE),
            action="athena:GetSession",
            what="Session",
        )
        second = gateway.for_account("second")
        answer = await second.call(
            lambda client: client.get_session(SessionId=SESSION_ACCOUNT2_IDLE),
            action="athena:GetSession",
            what="Session",
        )
        assumed = [(role.role_arn, role.session_name) for role in _assumed()]
    assert own["SessionId"] == SESSION_IDLE
    assert answer["Description"] == "Demo: idle, in the second account"
    # Alice's own role once (AssumeRoleWithWebIdentity, shared by her calls in every account), then the
    # second account's role with those credentials, under her name.
    assert assumed == [(web_role, "alice"), (SECOND_ACCOUNT_ROLE_ARN, "alice")]
    assert second.account_name == "second"
    assert gateway.people == 1


# -- the audit line (OAuth) ---------------------------------------------------------------------------


@dataclass
class _Call:
    """The parts of a tools/call request ToolCallGuard reads (no HTTP request: no token)."""

    params: dict[str, Any]
    method: str = "tools/call"
    request: None = None


async def _audited(guard: Any, params: dict[str, Any], caplog: pytest.LogCaptureFixture) -> str:
    async def call_next(_: Any) -> Any:
        return None

    with caplog.at_level(logging.INFO, logger=audit_logger.name):
        caplog.clear()
        await guard(_Call(params), call_next)
    [line] = [r.getMessage() for r in caplog.records if r.name == audit_logger.name]
    return line


def _guard(settings: Settings) -> Any:
    """The audit middleware of the server these settings build with OAuth on (the first middleware)."""
    oauth = OAuthOptions("https://id.example.com", "https://mcp.example.com/mcp")
    server = build_server(settings, auth=oauth.server_auth())
    [guard] = [m for m in server.middleware if isinstance(m, ToolCallGuard)]
    return guard


async def test_the_audit_line_names_the_account(caplog: pytest.LogCaptureFixture) -> None:
    guard = _guard(WITH_SECOND)
    given = await _audited(
        guard, {"name": "list_athena_sessions", "arguments": {"WorkGroup": "w", "Account": "second"}}, caplog
    )
    assert given.endswith("tool=list_athena_sessions session_id=- access=granted account=second")
    own = await _audited(guard, {"name": "list_athena_sessions", "arguments": {"WorkGroup": "w"}}, caplog)
    assert own.endswith("access=granted account=own")
    searched = await _audited(guard, {"name": "get_athena_session", "arguments": {"SessionId": "s"}}, caplog)
    assert searched.endswith("session_id=s access=granted account=own+declared")
    forged = await _audited(
        guard, {"name": "list_athena_sessions", "arguments": {"Account": "x access=granted\nFORGED"}}, caplog
    )
    assert forged.endswith("account=x?access=granted?FORGED")


async def test_without_accounts_every_audit_line_says_own(caplog: pytest.LogCaptureFixture) -> None:
    guard = _guard(Settings(region="us-east-1"))
    line = await _audited(guard, {"name": "get_athena_session", "arguments": {"SessionId": "s"}}, caplog)
    assert line.endswith("session_id=s access=granted account=own")


# -- the command line, on the emulator's HTTP endpoint (STS answered there too) --------------------


@pytest.fixture
def own_logging() -> Iterator[None]:
    """main() configures logging for a process: put the test process's root logging back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("own_logging")
def test_call_reads_the_second_account_of_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "--account",
        SECOND,
        "--account-external-id",
        "second=ext-123",
        "call",
        "--json",
        "diagnose_athena_session",
        "--SessionId",
        SESSION_ACCOUNT2_SPARK35_FAILED,
        "--Account",
        "second",
        "--emulator",
    ]
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    answer = json.loads(out)
    assert answer["account"] == "second"
    assert answer["engine"] == "spark-3.5"
    assert answer["session"]["session_id"] == SESSION_ACCOUNT2_SPARK35_FAILED


@pytest.mark.usefixtures("own_logging")
def test_a_bad_account_flag_stops_the_command_with_the_right_form(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--account", "prod=arn:aws:iam::123:role/r", "tools"])
    _, err = capsys.readouterr()
    assert stopped.value.code == 2
    assert "--account prod=...: 'arn:aws:iam::123:role/r' is not an IAM role ARN" in err
    assert "e.g. prod=arn:aws:iam::111122223333:role/athena-session-mcp-reader" in err


def test_a_gateway_refuses_an_undeclared_account_without_echoing_it() -> None:
    gateway = AthenaGateway(WITH_SECOND)
    with pytest.raises(AwsCallError) as refused:
        gateway.for_account("Second")  # names are exact
    assert str(refused.value).startswith("That Account is not one this server declares (declared: second)")
    assert refused.value.code == "UnknownAccount"
    assert "Second" not in str(refused.value)


# -- every other tool reads the declared account it is given ------------------------------------------


async def test_calculations_and_executors_are_read_in_the_second_account(two_accounts: MCPServer) -> None:
    args = {"SessionId": SESSION_ACCOUNT2_IDLE, "Account": "second"}
    listed = await call_ok(two_accounts, "list_athena_calculations", args)
    [calculation] = listed["calculations"]  # the seed gives it one calculation (emulator/seed.py)
    calc_id = calculation["calculation_execution_id"]
    one = await call_ok(
        two_accounts, "get_athena_calculation", {"CalculationExecutionId": calc_id, "Account": "second"}
    )
    assert one["summary"]["state"] == "COMPLETED"
    assert "not found" in await call_error(
        two_accounts, "get_athena_calculation", {"CalculationExecutionId": calc_id}
    )
    executors = await call_ok(two_accounts, "list_athena_executors", args)
    assert executors["session_id"] == SESSION_ACCOUNT2_IDLE
    assert executors["executors"]


async def test_the_workgroup_digest_of_the_second_account_counts_its_sessions(
    two_accounts: MCPServer,
) -> None:
    digest = await call_ok(
        two_accounts,
        "summarize_athena_workgroup_sessions",
        {"WorkGroup": "demo-spark35", "Account": "second"},
    )
    assert digest["sessions_listed"] == 1  # only demo-account2-spark35-failed (the first account has three)
    assert digest["counts_by_state"] == {"FAILED": 1}
    assert [s["session_id"] for s in digest["unhealthy"]] == [SESSION_ACCOUNT2_SPARK35_FAILED]


async def test_history_and_workgroups_of_the_second_account(two_accounts: MCPServer) -> None:
    history = await call_ok(
        two_accounts,
        "list_athena_session_history",
        {"Days": 1, "WorkGroup": "demo-spark", "Account": "second"},
    )
    assert history["account"] == "second"
    listed = {row["session_id"] for row in history["sessions"] if "ListSessions" in row["sources"]}
    assert listed == {SESSION_ACCOUNT2_IDLE, SESSION_ACCOUNT2_NOTEBOOK}
    workgroups = await call_ok(two_accounts, "list_spark_workgroups", {"Account": "second"})
    assert {w["name"] for w in workgroups["workgroups"]} == {
        "demo-spark",
        "demo-spark-unencrypted",
        "demo-spark35",
    }


async def test_terminate_ends_the_second_accounts_session_only(athena: AthenaClient) -> None:
    settings = Settings(region="us-east-1", allow_write=True, accounts=WITH_SECOND.accounts)
    server = server_for(athena, settings=settings)
    ended = await call_ok(
        server, "terminate_athena_session", {"SessionId": SESSION_ACCOUNT2_NOTEBOOK, "Account": "second"}
    )
    assert ended["had_effect"] is True
    assert ended["state_before"] == "IDLE"
    refused = await call_error(server, "terminate_athena_session", {"SessionId": SESSION_ACCOUNT2_IDLE})
    assert "was not found in region us-east-1" in refused  # own credentials: the first account
