"""Build the Containerfile with podman on a machine that reaches no image registry.

The base image is made here: `mmdebstrap` writes a minimal Debian bookworm rootfs (python3, python3-venv,
ca-certificates) as a tar, `podman import` turns it into `localhost/athena-base:<key>`, and the
Containerfile is built with `--build-arg BASE=` that image. The tar is kept in CACHE_DIR (outside the
repository) so later runs skip mmdebstrap; a machine without it builds it afresh.

    .venv/bin/python -m tests.container          # build, print image size and build time

Used by tests/test_container.py. Needs Debian's podman, buildah, mmdebstrap, runc and uidmap (.ci/run
installs them).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("ATHENA_SESSION_MCP_CI_CACHE", "/var/cache/athena-session-mcp-ci"))
IMAGE = "localhost/athena-session-mcp:test"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
TOOLS = ("podman", "mmdebstrap", "runc")
# podman on these machines: runc (crun is not installed), no systemd (cgroupfs), and explicit ulimits
# (podman's defaults exceed what the sandbox grants).
CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
"""
MMDEBSTRAP_ARGS = (
    "--variant=minbase",
    "--include=python3,python3-venv,ca-certificates",
    "--components=main",
    # Documentation, manuals and translations are dead weight in a server image (copyright files stay).
    "--dpkgopt=path-exclude=/usr/share/man/*",
    "--dpkgopt=path-exclude=/usr/share/doc/*",
    "--dpkgopt=path-include=/usr/share/doc/*/copyright",
    "--dpkgopt=path-exclude=/usr/share/locale/*",
    "--dpkgopt=path-exclude=/usr/share/info/*",
    "bookworm",
)
BASE_KEY = hashlib.sha256("\0".join(MMDEBSTRAP_ARGS).encode()).hexdigest()[:12]
BASE_IMAGE = f"localhost/athena-base:bookworm-{BASE_KEY}"


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def podman_env(conf_dir: Path) -> dict[str, str]:
    conf = conf_dir / "containers.conf"
    conf.write_text(CONTAINERS_CONF)
    return {**os.environ, "CONTAINERS_CONF": str(conf)}


def run(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a command to completion (bounded); a failure raises with its output."""
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def image_exists(name: str, env: dict[str, str]) -> bool:
    return (
        subprocess.run(["podman", "image", "exists", name], env=env, timeout=60, check=False).returncode == 0
    )


def ensure_base_image(env: dict[str, str]) -> str:
    """The local base image, from podman's store, else from the cached rootfs tar, else built afresh."""
    if image_exists(BASE_IMAGE, env):
        return BASE_IMAGE
    tarball = CACHE_DIR / f"bookworm-{BASE_KEY}.tar"
    if not tarball.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = tarball.with_suffix(".partial.tar")  # a run killed half-way leaves no broken cache
        partial.unlink(missing_ok=True)
        run(["mmdebstrap", *MMDEBSTRAP_ARGS, str(partial)], env, timeout=900)
        partial.rename(tarball)
    run(["podman", "import", str(tarball), BASE_IMAGE], env, timeout=300)
    return BASE_IMAGE


@dataclass(frozen=True)
class Build:
    image: str
    seconds: float
    size_bytes: int


def build_image(env: dict[str, str], base: str, image: str = IMAGE) -> Build:
    """`podman build` of the Containerfile from `base`. --format docker: the OCI format has no HEALTHCHECK.
    The host's CA bundle is mounted for pip (the machine's TLS goes through an intercepting proxy)."""
    ca = ["--volume", f"{CA_BUNDLE}:{CA_BUNDLE}:ro"] if Path(CA_BUNDLE).exists() else []
    begin = time.monotonic()
    run(
        [
            "podman", "build", "--format", "docker", "--build-arg", f"BASE={base}", *ca,
            "--file", str(REPO / "Containerfile"), "--tag", image, str(REPO),
        ],
        env,
        timeout=1200,
    )  # fmt: skip
    seconds = time.monotonic() - begin
    size = run(["podman", "image", "inspect", "--format", "{{.Size}}", image], env, timeout=60)
    if os.environ.get("CI"):
        # Each changed source leaves the previous image and build stage untagged (~250 MB); CI runs
        # again and again on one machine, so it drops them. A developer's untagged images stay theirs.
        subprocess.run(
            ["podman", "image", "prune", "--force"], env=env, capture_output=True, timeout=300, check=False
        )
    return Build(image, seconds, int(size.stdout.strip()))


def main() -> int:
    if missing := missing_tools():
        print(f"missing: {', '.join(missing)} (apt-get install podman buildah mmdebstrap runc uidmap)")
        return 1
    with tempfile.TemporaryDirectory() as conf_dir:
        env = podman_env(Path(conf_dir))
        begin = time.monotonic()
        base = ensure_base_image(env)
        base_seconds = time.monotonic() - begin
        built = build_image(env, base)
    print(f"base {base}: ready in {base_seconds:.1f} s")
    print(f"image {built.image}: {built.size_bytes / 1e6:.0f} MB, built in {built.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
