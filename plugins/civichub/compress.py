"""Precompressed copies (.gz and .br) of every text file, for static hosts and CDNs that serve
them directly (nginx gzip_static/brotli_static, Caddy precompressed, Netlify, S3 + CloudFront)."""
from __future__ import annotations

import gzip
from pathlib import Path

import brotli

SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".atom", ".ics", ".txt", ".svg", ".csv", ".map"}
MIN_BYTES = 256  # below this, compression costs more than it saves


def precompress(root: Path) -> int:
    """Write name.gz and name.br beside each text file; returns how many files were compressed."""
    count = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        if len(data) < MIN_BYTES:
            continue
        # mtime=0 and no file name: the same input gives the same bytes (reproducible builds)
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=11))
        count += 1
    return count
