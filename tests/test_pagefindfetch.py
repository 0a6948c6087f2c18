"""Pagefind's binary fetched from an npm registry: a registry served on 127.0.0.1 by the test,
holding packages made the way npm packs Pagefind's (package/bin/pagefind_extended)."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest

from civichub import pagefindfetch, search
from conftest import served

FAKE = b'#!/bin/sh\necho "pagefind 9.9.9"\n'


def npm_package(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size, info.mode = len(data), 0o755
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def registry(tmp_path):
    """(url, publish): an npm registry on 127.0.0.1; publish(platform, version, tarball)."""
    root = tmp_path / "registry"
    root.mkdir()

    def publish(name: str, version: str, tarball: bytes) -> None:
        folder = root / "@pagefind" / name / "-"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}-{version}.tgz").write_bytes(tarball)

    with served(root) as url:
        yield url, publish


def test_the_binary_is_fetched_checked_and_made_executable(registry, tmp_path):
    url, publish = registry
    tarball = npm_package({"bin/pagefind_extended": FAKE, "package.json": b"{}"})
    publish("linux-x64", "9.9.9", tarball)
    target = tmp_path / "venv" / "bin" / "pagefind_extended"
    pagefindfetch.fetch(target, "linux-x64", "9.9.9", integrity(tarball), url)
    assert target.read_bytes() == FAKE and os.access(target, os.X_OK)
    assert pagefindfetch.version_of(target) == "9.9.9"
    assert [path.name for path in target.parent.iterdir()] == ["pagefind_extended"]  # no partial file left


def test_bytes_other_than_the_pinned_ones_are_refused_and_the_binary_in_place_kept(registry, tmp_path):
    url, publish = registry
    publish("linux-x64", "9.9.9", npm_package({"bin/pagefind_extended": b"#!/bin/sh\necho evil\n"}))
    target = tmp_path / "pagefind_extended"
    target.write_bytes(FAKE)
    pinned = integrity(npm_package({"bin/pagefind_extended": FAKE}))
    with pytest.raises(pagefindfetch.Tampered, match=r"linux-x64-9\.9\.9\.tgz is not the pinned release"):
        pagefindfetch.fetch(target, "linux-x64", "9.9.9", pinned, url)
    assert target.read_bytes() == FAKE


def test_a_package_without_the_binary_says_what_it_lacks(registry, tmp_path):
    url, publish = registry
    tarball = npm_package({"README.md": b"nothing here"})
    publish("darwin-arm64", "9.9.9", tarball)
    with pytest.raises(pagefindfetch.FetchFailed, match=r"holds no package/bin/pagefind_extended"):
        pagefindfetch.fetch(tmp_path / "pagefind_extended", "darwin-arm64", "9.9.9", integrity(tarball), url)
    assert not (tmp_path / "pagefind_extended").exists()


def test_offline_the_install_warns_and_goes_on_with_the_pypi_binary(registry, tmp_path, monkeypatch, capsys):
    url, _ = registry  # nothing published: the registry answers 404
    monkeypatch.setattr(pagefindfetch, "installed_path", lambda scripts=None: tmp_path / "pagefind_extended")
    assert pagefindfetch.main(["--registry", url]) == 0  # `make` goes on
    err = capsys.readouterr().err
    assert err.startswith("pagefindfetch: warning: could not download " + url)
    assert "search uses the binary of the PyPI package pagefind_bin_extended meanwhile" in err
    assert not (tmp_path / "pagefind_extended").exists()


def test_a_tampered_download_fails_the_install(registry, tmp_path, monkeypatch, capsys):
    url, publish = registry
    name = pagefindfetch.platform_name()
    if name not in pagefindfetch.INTEGRITY:
        pytest.skip(f"no Pagefind build pinned for {name}")
    publish(name, pagefindfetch.VERSION, npm_package({f"bin/{pagefindfetch.binary_name()}": FAKE}))
    monkeypatch.setattr(pagefindfetch, "installed_path", lambda scripts=None: tmp_path / "pagefind_extended")
    assert pagefindfetch.main(["--registry", url]) == 1
    assert "is not the pinned release" in capsys.readouterr().err
    assert not (tmp_path / "pagefind_extended").exists()


@pytest.mark.parametrize("system, machine, name", [
    ("linux", "x86_64", "linux-x64"), ("linux", "aarch64", "linux-arm64"), ("darwin", "arm64", "darwin-arm64"),
    ("darwin", "x86_64", "darwin-x64"), ("win32", "AMD64", "windows-x64"), ("freebsd", "amd64", None),
    ("linux", "riscv64", None)])
def test_the_machine_names_npm_s_package(system, machine, name):
    assert pagefindfetch.platform_name(system, machine) == name
    assert name is None or name in pagefindfetch.INTEGRITY


def test_search_runs_the_fetched_binary_before_the_pypi_one_unless_told_otherwise(tmp_path, monkeypatch):
    fetched = tmp_path / "bin" / "pagefind_extended"
    pagefindfetch.write_executable(fetched, FAKE)
    monkeypatch.setattr(pagefindfetch, "installed_path", lambda scripts=None: fetched)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    assert search.pagefind_executable() == str(fetched)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/opt/pagefind")
    assert search.pagefind_executable() == "/opt/pagefind"


def test_make_installed_the_pinned_pagefind_in_this_environment():
    """`make` (which `make test` runs first) fetched the pinned release: search runs it."""
    fetched = pagefindfetch.installed()
    assert fetched, f"no {pagefindfetch.installed_path()}: run `python -m civichub.pagefindfetch`"
    assert pagefindfetch.version_of(fetched) == pagefindfetch.VERSION
    if "PAGEFIND_BINARY_PATH" not in os.environ:
        assert Path(search.pagefind_executable()) == Path(fetched)
