"""Precompressed copies (.gz and .br) of every text file, for static hosts and CDNs that serve
them directly (nginx gzip_static/brotli_static, Caddy precompressed, Netlify, S3 + CloudFront)."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli

from .output import OutputFiles, all_files

SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".atom", ".ics", ".txt", ".svg", ".csv", ".map"}
MIN_BYTES = 256  # below this, compression costs more than it saves


def precompress(root: Path, files: OutputFiles | None = None) -> int:
    """Write name.gz and name.br beside each text file of the new site; returns how many files
    were compressed. An unchanged file keeps its compressed copies (brotli at quality 11 is the
    slow part). The new site is what root holds and, when the build writes over a live site
    (files.base), the live files it kept."""
    files = files or OutputFiles(root)
    written = set(all_files(root))
    kept = files.unchanged - written if files.base else set()
    count = 0
    for relative in sorted(written | kept):
        if os.path.splitext(relative)[1] not in SUFFIXES:
            continue
        path = root / relative if relative in written else files.base / relative
        gz, br = relative + ".gz", relative + ".br"
        if relative in files.unchanged and files.current(gz).is_file() and files.current(br).is_file():
            files.unchanged.update({gz, br})
            continue
        data = path.read_bytes()
        if len(data) < MIN_BYTES:
            continue
        # mtime=0 and no file name: the same input gives the same bytes (reproducible builds)
        files.write(root / gz, gzip.compress(data, compresslevel=9, mtime=0))
        files.write(root / br, brotli.compress(data, quality=11))
        count += 1
    return count
