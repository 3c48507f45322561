"""--account NAME=ROLE_ARN: other accounts, reached with sts:AssumeRole. Expected values come from the IAM
and STS API references (role ARN and ExternalId grammars) and from the emulator's seed (emulator/seed.py:
the second account 111122223333 holds demo-account2-idle and demo-account2-spark35-failed, which the
first account does not)."""

from __future__ import annotations

import pytest

from athena_session_mcp.settings import AccountRole, Settings, SettingsError, parse_accounts, split_accounts

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
