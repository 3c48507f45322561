"""Runtime settings: CLI flags over environment variables over botocore's own resolution."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Athena for Apache Spark list price in us-east-1 (USD per DPU-hour); configurable.
DEFAULT_DPU_HOUR_PRICE_USD = 0.35

# HTTP transport defaults live here, not in transport/http.py, so `--help` does not import uvicorn.
TRANSPORTS = ("stdio", "streamable-http")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MCP_PATH = "/mcp"

ENV_PRICE = "ATHENA_SESSION_MCP_DPU_HOUR_PRICE"
ENV_LOG_LEVEL = "ATHENA_SESSION_MCP_LOG_LEVEL"
# Named after the AWS Labs MCP servers' --allow-sensitive-data-access switch: job output, driver logs and
# Spark UI links are shown only when the user opts in.
ENV_SENSITIVE = "ATHENA_SESSION_MCP_ALLOW_SENSITIVE_DATA_ACCESS"
SENSITIVE_FLAG = "--allow-sensitive-data-access"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def parse_switch(text: str) -> bool | None:
    """An on/off word (true/false, 1/0, yes/no, on/off, any case) as a bool; None for anything else.
    The one reading of switches, for environment variables and `call --Flag value` alike."""
    word = text.strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


ENV_REGIONS = "ATHENA_SESSION_MCP_REGIONS"
# --regions all: every region enabled in the account (Account Management ListRegions, read once).
ALL_REGIONS = "all"
# An AWS region name (us-east-1, ap-southeast-2, us-gov-west-1, cn-north-1, eu-isoe-west-1).
_REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


def parse_regions(text: str) -> tuple[str, ...] | None:
    """`--regions` as region names (deduplicated, in the order given), `(ALL_REGIONS,)` for `all`, or None
    when empty. Raises SettingsError for anything that is not a region name."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        return None
    if ALL_REGIONS in names:
        if len(names) > 1:
            raise SettingsError(f"--regions takes either {ALL_REGIONS} or a list of region names, not both")
        return (ALL_REGIONS,)
    bad = [name for name in names if not _REGION_NAME.fullmatch(name)]
    if bad:
        raise SettingsError(
            f"--regions/{ENV_REGIONS} must be region names separated by commas (e.g. us-east-1,eu-west-1) "
            f"or {ALL_REGIONS}; not a region name: {bad[0][:40]!r}"
        )
    return tuple(dict.fromkeys(names))


ENV_ACCOUNTS = "ATHENA_SESSION_MCP_ACCOUNTS"
ENV_ACCOUNT_EXTERNAL_IDS = "ATHENA_SESSION_MCP_ACCOUNT_EXTERNAL_IDS"
# Each declared account becomes a value of every tool's Account enum, which every tools/list carries.
MAX_ACCOUNTS = 20
# An account's NAME: what a model passes as Account and what answers and audit lines say.
ACCOUNT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
# An IAM role ARN (IAM API reference, Role: a path of [\w+=,.@-] segments, a name of 1-64 of those
# characters; IAM allows more path characters, this server does not) in a 12-digit account.
ROLE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
# sts:AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-] (STS API reference).
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
# Entries of ATHENA_SESSION_MCP_ACCOUNTS are separated by whitespace, or by a comma that starts the next
# NAME=arn: (a role name may hold commas and '=', never ':'). External ids may hold commas: whitespace only.
_ACCOUNTS_BREAK = re.compile(r"\s+|,(?=\s*[A-Za-z][A-Za-z0-9_-]*=arn:)")


@dataclass(frozen=True, slots=True)
class AccountRole:
    """An account the operator declared (--account NAME=ROLE_ARN): tools reach it with sts:AssumeRole."""

    name: str
    role_arn: str
    external_id: str | None = field(default=None, repr=False)

    @property
    def account_id(self) -> str:
        """The 12-digit id in the role ARN."""
        return self.role_arn.split(":")[4]


def _pairs(entries: Iterable[str], what: str, example: str, *, show: bool) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for entry in entries:
        name, sep, value = entry.strip().partition("=")
        if not sep or not ACCOUNT_NAME.fullmatch(name.strip()):
            raise SettingsError(
                f"{what} takes NAME=VALUE, NAME a name of letters, digits, '_' and '-' starting with a letter "
                f"(at most 32 characters), e.g. {example}" + (f"; got {_as_typed(entry)}" if show else "")
            )
        pairs.append((name.strip(), value.strip()))
    return pairs


def _as_typed(text: str) -> str:
    # An operator's own value, bounded: they need to see which entry is wrong.
    return repr(text.strip()[:80] + ("…" if len(text.strip()) > 80 else ""))


def split_accounts(text: str) -> list[str]:
    """The entries of ATHENA_SESSION_MCP_ACCOUNTS (whitespace, or commas before NAME=arn:, between)."""
    return [entry for entry in _ACCOUNTS_BREAK.split(text) if entry and entry.strip()]


_ACCOUNT_EXAMPLE = "prod=arn:aws:iam::111122223333:role/athena-session-mcp-reader"


def parse_accounts(entries: Iterable[str], external_ids: Iterable[str] = ()) -> tuple[AccountRole, ...]:
    """`--account NAME=ROLE_ARN` entries, with `--account-external-id NAME=EXTERNAL_ID` ones, as declared
    accounts in the order given. Raises SettingsError saying what was wrong and what would be right."""
    accounts: dict[str, str] = {}
    for name, arn in _pairs(entries, f"--account/{ENV_ACCOUNTS}", _ACCOUNT_EXAMPLE, show=True):
        if not ROLE_ARN.fullmatch(arn):
            raise SettingsError(
                f"--account {name}=...: {_as_typed(arn)} is not an IAM role ARN; expected "
                "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (12-digit account id, optional /path/), "
                f"e.g. {_ACCOUNT_EXAMPLE}"
            )
        if name.lower() in (known.lower() for known in accounts):
            raise SettingsError(
                f"--account: the name {name!r} is declared twice; each account needs its own name"
            )
        accounts[name] = arn
    if len(accounts) > MAX_ACCOUNTS:
        raise SettingsError(
            f"--account: at most {MAX_ACCOUNTS} accounts can be declared, not {len(accounts)}"
        )
    ids: dict[str, str] = {}
    for name, value in _pairs(
        external_ids, f"--account-external-id/{ENV_ACCOUNT_EXTERNAL_IDS}", "prod=EXAMPLE-ID", show=False
    ):
        if name not in accounts:
            declared = ", ".join(accounts) or "none"
            raise SettingsError(
                f"--account-external-id {name}=...: no account {name!r} is declared with --account "
                f"(declared: {declared})"
            )
        if not EXTERNAL_ID.fullmatch(value):
            raise SettingsError(
                f"--account-external-id {name}=...: an external id is 2 to 1224 characters of letters, digits "
                "and + = , . @ : / - _ (sts:AssumeRole ExternalId)"
            )
        ids[name] = value
    return tuple(AccountRole(name, arn, ids.get(name)) for name, arn in accounts.items())


ENV_DIGEST_DEADLINE = "ATHENA_SESSION_MCP_DIGEST_DEADLINE_SECONDS"
DEFAULT_DIGEST_DEADLINE_SECONDS = 45.0
# Every tool call's AWS reads stop here (many MCP clients give a call 60 s): what is read by then is answered.
ENV_TOOL_DEADLINE = "ATHENA_SESSION_MCP_TOOL_DEADLINE_SECONDS"
DEFAULT_TOOL_DEADLINE_SECONDS = 50.0


# The emulator accepts any credentials; these keep a user's real ones out of offline runs.
EMULATOR_REGION = "us-east-1"
EMULATOR_ENV = {
    "AWS_ACCESS_KEY_ID": "emulator",
    "AWS_SECRET_ACCESS_KEY": "emulator",
    "AWS_REGION": EMULATOR_REGION,
    "AWS_DEFAULT_REGION": EMULATOR_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


class SettingsError(ValueError):
    """A setting has a value the server cannot use; the message says what would be right."""


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A deadline in seconds from the environment: 1 to 3600, else a SettingsError naming the variable."""
    if not env.get(name):
        return default
    try:
        value = float(env[name])
    except ValueError:
        value = -1.0
    if not 1 <= value <= 3600:
        raise SettingsError(f"{name} must be a number of seconds from 1 to 3600, e.g. {default:g}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to reach Athena. None means: let botocore resolve it."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    dpu_hour_price: float = DEFAULT_DPU_HOUR_PRICE_USD
    allow_write: bool = False
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    max_attempts: int = 3
    allow_sensitive_data_access: bool = False
    # summarize_athena_workgroup_sessions answers with what it has once this many seconds have passed,
    # within about a second (reads in flight are abandoned): the 45 s default stays inside the 60 s MCP
    # clients commonly give a tool call.
    digest_deadline_seconds: float = DEFAULT_DIGEST_DEADLINE_SECONDS
    tool_deadline_seconds: float = DEFAULT_TOOL_DEADLINE_SECONDS
    # --regions: the regions the account-wide tools read and where a session id is looked for after the
    # configured one (`region`, always searched first). Empty: the configured region alone; ("all",): every
    # region enabled in the account.
    regions: tuple[str, ...] = ()
    # --account: other accounts tools reach with sts:AssumeRole when a call names one (Account argument).
    accounts: tuple[AccountRole, ...] = ()
    # Served over HTTP: error messages then send settings to the server's own environment, not to the MCP
    # client's config (which starts only a local stdio server).
    served_over_http: bool = False

    @classmethod
    def resolve(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        dpu_hour_price: float | None = None,
        allow_write: bool = False,
        allow_sensitive_data_access: bool = False,
        regions: str | None = None,
        accounts: Sequence[str] | None = None,
        account_external_ids: Sequence[str] | None = None,
    ) -> Settings:
        """Flags win; then the environment. AWS_PROFILE, AWS_DEFAULT_REGION and AWS_ENDPOINT_URL(_ATHENA)
        are left to botocore, which reads them itself. AWS_REGION is read here because this botocore
        does not, and users expect it to work."""
        env = os.environ if env is None else env
        price = dpu_hour_price
        if price is None and env.get(ENV_PRICE):
            try:
                price = float(env[ENV_PRICE])
            except ValueError:
                raise SettingsError(f"{ENV_PRICE} must be a number of USD per DPU-hour, e.g. 0.35") from None
        if price is not None and not (0 <= price < 1000):
            raise SettingsError("the DPU-hour price must be between 0 and 1000 USD, e.g. 0.35")
        sensitive = allow_sensitive_data_access
        if not sensitive:
            switch = parse_switch(env.get(ENV_SENSITIVE) or "false")
            if switch is None:
                raise SettingsError(f"{ENV_SENSITIVE} must be true or false (also 1/0, yes/no, on/off)")
            sensitive = switch
        deadline = _seconds(env, ENV_DIGEST_DEADLINE, DEFAULT_DIGEST_DEADLINE_SECONDS)
        tool_deadline = _seconds(env, ENV_TOOL_DEADLINE, DEFAULT_TOOL_DEADLINE_SECONDS)
        region_list = parse_regions(regions if regions is not None else env.get(ENV_REGIONS, ""))
        declared = parse_accounts(
            accounts if accounts is not None else split_accounts(env.get(ENV_ACCOUNTS, "")),
            account_external_ids
            if account_external_ids is not None
            else env.get(ENV_ACCOUNT_EXTERNAL_IDS, "").split(),
        )
        return cls(
            profile=profile or None,
            region=region or env.get("AWS_REGION") or None,
            endpoint_url=endpoint_url or None,
            dpu_hour_price=DEFAULT_DPU_HOUR_PRICE_USD if price is None else price,
            allow_write=allow_write,
            allow_sensitive_data_access=sensitive,
            digest_deadline_seconds=deadline,
            tool_deadline_seconds=tool_deadline,
            regions=region_list or (),
            accounts=declared,
        )

    @property
    def all_regions(self) -> bool:
        """--regions all: every region enabled in the account."""
        return self.regions == (ALL_REGIONS,)

    def account(self, name: str) -> AccountRole | None:
        """The declared account called `name`, if any."""
        return next((a for a in self.accounts if a.name == name), None)
