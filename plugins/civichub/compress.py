"""Precompressed copies (.gz and .br) of every text file, for static hosts and CDNs that serve
them directly (nginx gzip_static/brotli_static, Caddy precompressed, Netlify, S3 + CloudFront)."""
from __future__ import annotations

import gzip
from pathlib import Path

import brotli

from .output import OutputFiles

SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".atom", ".ics", ".txt", ".svg", ".csv", ".map"}
MIN_BYTES = 256  # below this, compression costs more than it saves


def precompress(root: Path, files: OutputFiles | None = None) -> int:
    """Write name.gz and name.br beside each text file; returns how many files were compressed.
    An unchanged file keeps its compressed copies (brotli at quality 11 is the slow part)."""
    files = files or OutputFiles(root)
    count = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        if len(data) < MIN_BYTES:
            continue
        gz, br = path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")
        relative = str(path.relative_to(root))
        if relative in files.unchanged and gz.exists() and br.exists():
            files.unchanged.update({str(gz.relative_to(root)), str(br.relative_to(root))})
            continue
        # mtime=0 and no file name: the same input gives the same bytes (reproducible builds)
        files.write(gz, gzip.compress(data, compresslevel=9, mtime=0))
        files.write(br, brotli.compress(data, quality=11))
        count += 1
    return count
