"""The deployment examples agree with the image and the CLI: examples/kubernetes/*.yaml, the ECS task
definition in docs/deploy.md and the Containerfile itself. Nothing here is applied to a cluster; these
are the facts a reader would otherwise find wrong only at deploy time (a flag that does not exist, a
probe on the wrong port, a user the image does not run as)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import yaml

from athena_session_mcp.cli.options import build_parser
from athena_session_mcp.settings import MCP_PATH

REPO = Path(__file__).resolve().parent.parent
KUBERNETES = REPO / "examples" / "kubernetes"
CONTAINERFILE = (REPO / "Containerfile").read_text(encoding="utf-8")
DEPLOY_DOC = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
PORT = 8000  # the AgentCore MCP contract's port, the image's default


def instruction(name: str) -> str:
    """The argument of the Containerfile's last `NAME` instruction (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", CONTAINERFILE)
    found = re.findall(rf"^{name} (.+)$", joined, flags=re.MULTILINE)
    assert found, f"no {name} in the Containerfile"
    return found[-1].strip()


def manifests() -> dict[str, dict[str, Any]]:
    documents: dict[str, dict[str, Any]] = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            item = cast(dict[str, Any], document)
            documents[item["kind"]] = item
    return documents


def ecs_task_definition() -> dict[str, Any]:
    blocks = re.findall(r"```json\n(.*?)```", DEPLOY_DOC, flags=re.DOTALL)
    tasks = [json.loads(block) for block in blocks if '"containerDefinitions"' in block]
    assert len(tasks) == 1
    return cast(dict[str, Any], tasks[0])


def serve_options(args: list[str]) -> Any:
    """The CLI's parse of `args` (a usage error fails the test)."""
    parsed = build_parser().parse_args(args)
    assert parsed.command == "serve"
    return parsed


def test_containerfile_default_command_serves_stateless_http_on_all_interfaces_port_8000() -> None:
    assert json.loads(instruction("ENTRYPOINT")) == ["athena-session-mcp"]
    options = serve_options(json.loads(instruction("CMD")))
    assert options.transport == "streamable-http"
    assert options.host == "0.0.0.0"  # noqa: S104 - inside the container
    assert options.port == PORT and options.stateless


def test_containerfile_takes_every_base_from_a_build_argument_and_runs_as_uid_10001() -> None:
    froms = re.findall(r"^FROM (\S+)", CONTAINERFILE, flags=re.MULTILINE)
    assert froms and all(image == "${BASE}" for image in froms)
    assert re.search(r"^ARG BASE=\S+", CONTAINERFILE, flags=re.MULTILINE)
    assert instruction("USER") == "10001:10001"
    assert f"http://127.0.0.1:{PORT}/health" in instruction("HEALTHCHECK")


def test_kubernetes_deployment_runs_the_image_as_its_user_with_probes_on_its_port() -> None:
    found = manifests()
    assert {"Deployment", "Service", "ServiceAccount"} <= found.keys()
    pod = found["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["serviceAccountName"] == found["ServiceAccount"]["metadata"]["name"]
    (container,) = pod["containers"]
    options = serve_options(container["args"])
    assert options.transport == "streamable-http" and options.stateless
    assert options.host == "0.0.0.0" and options.port == PORT  # noqa: S104
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": PORT}
    probes = {
        kind: container[kind]["httpGet"] for kind in ("livenessProbe", "readinessProbe", "startupProbe")
    }
    assert probes["livenessProbe"]["path"] == "/health"
    assert probes["readinessProbe"]["path"] == "/ready"
    for probe in probes.values():
        assert probe["port"] == "http"
        assert {"name": "Host", "value": "localhost"} in probe["httpHeaders"]


def test_kubernetes_service_selects_the_deployment_pods_and_targets_the_named_port() -> None:
    found = manifests()
    labels = found["Deployment"]["spec"]["template"]["metadata"]["labels"]
    service = found["Service"]["spec"]
    assert service["selector"].items() <= labels.items()
    assert [p["targetPort"] for p in service["ports"]] == ["http"]


def test_deployment_examples_admit_their_public_host_name_with_allow_host() -> None:
    container = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    (task_container,) = ecs_task_definition()["containerDefinitions"]
    for args in (container["args"], task_container["command"]):
        assert serve_options(args).allow_host == ["mcp.example.com"]


def test_ecs_task_definition_health_check_and_port_match_the_image() -> None:
    task = ecs_task_definition()
    (container,) = task["containerDefinitions"]
    options = serve_options(container["command"])
    assert options.stateless and options.port == PORT
    assert container["portMappings"][0]["containerPort"] == PORT
    assert container["user"] == instruction("USER")
    check = " ".join(container["healthCheck"]["command"])
    assert f"http://127.0.0.1:{PORT}/health" in check
    assert task["runtimePlatform"]["cpuArchitecture"] in {"ARM64", "X86_64"}


def test_deploy_doc_states_the_agentcore_contract_the_image_meets() -> None:
    assert f"0.0.0.0:{PORT}" in DEPLOY_DOC and f"POST {MCP_PATH}" in DEPLOY_DOC
    for header in ("Mcp-Session-Id", "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"):
        assert header in DEPLOY_DOC
    assert "--platform linux/arm64" in DEPLOY_DOC
