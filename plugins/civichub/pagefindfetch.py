"""Pagefind's binary from the npm registry, where Pagefind's releases come out first.

PyPI's `pagefind_bin_extended` stops at 1.5.2; 1.6.0, on npm since 2026-11-01, indexes the same
site about a fifth faster (docs/performance.md). `make` runs `python -m civichub.pagefindfetch`
after installing the Python packages: it fetches the release pinned here for this machine,
checks its bytes against the sha512 the registry gave when the pin was set, and puts the binary
among the virtual environment's scripts, where search.pagefind_executable looks before the PyPI
packages. Offline, or on a machine with no pinned build, it says so and leaves search to the
PyPI binary.

To raise the pin: `npm view @pagefind/<platform>@<version> dist.integrity` for each platform.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import sysconfig
from pathlib import Path

VERSION = "1.6.0"
# npm's dist.integrity of each platform's package (@pagefind/<platform>) at VERSION.
INTEGRITY = {
    "linux-x64": "sha512-IbMSx/+Vr/Xk0TTBlLkjgK+rvnbOXGmmb2/MKxQu99AR5DsqQoV3NKEA9PQz2tAhuCZjeD5xJBp4w5N5DHIC7Q==",
    "linux-arm64": "sha512-SLB2I+XqCZma8NvIGIH8nyKblgKIxw5PmqsVtofWOKxNHhEtOEsddbqU+hsrNcT3EV0faM6UmKDHVIxcPYq29w==",
    "darwin-x64": "sha512-rd3ZbtuxyYqjASKZAPuIV7eeQQHJ7VYpoNKKG8CvglaD3g30eT5Nb7XGNLYwVReBsCccpkURwrGwWjSwr8nyQQ==",
    "darwin-arm64": "sha512-611gl64aqN12UcMyKPtZ8+vRWBKlJFSh2JgO8uScxa1Eyjo1dXz9r4wZuRno0yCUE/KN0FauEoKZ3KEwUYHCCg==",
    "windows-x64": "sha512-cUA2+yXfbymdJllyMjY5YTBwuOgh0/H53Pn5fYKjDnDjk154Ft4U5RVj3TenWySPL/jG6zJfARUWSlyUyXHlZw==",
}
REGISTRY = "https://registry.npmjs.org"
SYSTEMS = {"linux": "linux", "darwin": "darwin", "win32": "windows"}
MACHINES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


class FetchFailed(Exception):
    """The binary could not be fetched or installed: the message is one line, for the user."""


class Tampered(FetchFailed):
    """The registry's bytes are not the pinned ones."""


def platform_name(system: str = sys.platform, machine: str = platform.machine()) -> str | None:
    """npm's name for this machine's Pagefind package (`linux-x64`), or None if Pagefind has none."""
    system, cpu = SYSTEMS.get(system), MACHINES.get(machine.lower())
    return f"{system}-{cpu}" if system and cpu else None


def binary_name(name: str | None = None) -> str:
    return "pagefind_extended.exe" if (name or platform_name() or "").startswith("windows") \
        else "pagefind_extended"


def installed_path(scripts: Path | None = None) -> Path:
    """Where the fetched binary lives: among the scripts of the Python environment running."""
    return Path(scripts or sysconfig.get_path("scripts")) / binary_name()


def installed() -> str | None:
    """The fetched binary, if this environment has one."""
    path = installed_path()
    return str(path) if os.access(path, os.X_OK) else None


def version_of(executable: str | Path) -> str | None:
    """What `<executable> --version` prints (`pagefind 1.6.0` -> `1.6.0`), or None if it cannot run."""
    try:
        completed = subprocess.run([str(executable), "--version"], capture_output=True, text=True,
                                   timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    words = completed.stdout.split()
    return words[-1] if completed.returncode == 0 and words else None


def tarball_url(name: str, version: str = VERSION, registry: str = REGISTRY) -> str:
    return f"{registry.rstrip('/')}/@pagefind/{name}/-/{name}-{version}.tgz"


def download(url: str) -> bytes:
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchFailed(f"could not download {url}: {reason}") from exc


def checked(data: bytes, integrity: str, url: str) -> bytes:
    """data, if its sha512 is the pinned one (npm's `sha512-<base64>`)."""
    import base64
    import hashlib
    got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if got != integrity:
        raise Tampered(f"{url} is not the pinned release: its sha512 is {got[:27]}..., the pin "
                       f"{integrity[:27]}... (a corrupted download, or the pin in "
                       f"civichub/pagefindfetch.py is wrong)")
    return data


def binary_in(tarball: bytes, name: str, url: str) -> bytes:
    """The Pagefind binary inside an npm package's tarball."""
    import io
    import tarfile
    member = f"package/bin/{name}"
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            found = archive.extractfile(member)
            if found is None:
                raise KeyError(member)
            return found.read()
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise FetchFailed(f"{url} holds no {member}") from exc


def write_executable(path: Path, data: bytes) -> None:
    """path, holding data and executable, put in place at once (never a half-written binary)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_bytes(data)
        partial.chmod(0o755)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def fetch(target: Path, name: str, version: str = VERSION, integrity: str | None = None,
          registry: str = REGISTRY) -> None:
    """Put platform `name`'s Pagefind binary at `version` into target, checked against integrity
    (the pin, by default). Raises FetchFailed, Tampered; target is then as it was."""
    integrity = integrity or INTEGRITY[name]
    url = tarball_url(name, version, registry)
    tarball = checked(download(url), integrity, url)
    write_executable(target, binary_in(tarball, binary_name(name), url))


def ensure(target: Path | None = None, registry: str = REGISTRY) -> str:
    """The pinned binary at target (the environment's scripts by default), fetched unless there
    already; returns what was done, in a line for the user. Raises FetchFailed."""
    target = target or installed_path()
    name = platform_name()
    if name not in INTEGRITY:
        raise FetchFailed(f"no Pagefind {VERSION} build is pinned for this machine "
                          f"({sys.platform}, {platform.machine()})")
    if version_of(target) == VERSION:
        return f"Pagefind {VERSION} is already at {target}"
    fetch(target, name, registry=registry)
    return f"Pagefind {VERSION} ({name}, from the npm registry) installed at {target}"


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m civichub.pagefindfetch",
                                     description=f"Install Pagefind {VERSION} from the npm registry "
                                                 "into this Python environment's scripts.")
    parser.add_argument("--registry", default=os.environ.get("CIVICHUB_NPM_REGISTRY", REGISTRY),
                        help="the npm registry to fetch from (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        print(f"pagefindfetch: {ensure(registry=args.registry)}")
    except Tampered as exc:
        print(f"pagefindfetch: error: {exc}", file=sys.stderr)
        return 1
    except FetchFailed as exc:  # search still works, with the PyPI package's binary
        print(f"pagefindfetch: warning: {exc}; search uses the binary of the PyPI package "
              f"pagefind_bin_extended meanwhile (run `python -m civichub.pagefindfetch` again "
              f"to retry)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
