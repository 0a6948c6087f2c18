"""programme.pdf: each event's programme grid page, printed by WeasyPrint from the HTML the build
just wrote, with the theme's print stylesheet (@media print: A4, no navigation, the grid then
the list). Optional: without WeasyPrint (pip install weasyprint) no PDF is written, quietly.

Setting CIVICHUB_PDF: True/False; default True when WeasyPrint can be imported.
The PDF is tagged (structure for screen readers) and reproducible: its dates are the build's
timestamp (SOURCE_DATE_EPOCH, else the latest content date) and its identifier is derived from
the event, so two builds give the same bytes."""
from __future__ import annotations

import hashlib
import logging
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

log = logging.getLogger("civichub")

PDF_URL = "evenements/{event}/programme.pdf"  # the 'event.pdf' pattern, until urls.py has one


def available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Python package is there but Pango is missing
        return False
    return True


def enabled(settings: dict) -> bool:
    """CIVICHUB_PDF (off unless set: importing WeasyPrint alone takes seconds, so development
    builds skip it and publishconf.py turns it on), and only when WeasyPrint is importable."""
    return bool(settings.get("CIVICHUB_PDF")) and available()


def pdf_path(urls, event) -> str:
    return urls.patterns.get("event.pdf", PDF_URL).format(event=event.slug)


def write_programme_pdfs(site_dir: Path, hub, urls, timestamp: datetime | None = None) -> list[Path]:
    """For each event whose programme grid page was written, its PDF beside it; returns the PDFs
    written, [] when WeasyPrint is not installed."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return []
    site_dir = Path(site_dir)
    stamp = pdf_date(timestamp or build_timestamp(hub))
    written = []
    with weasyprint_messages():
        for event in hub.events:
            page = site_dir / urls.file_of(urls.programme(event))
            if not page.is_file():  # no grid: no timed session
                continue
            document = HTML(filename=str(page), base_url=page.parent.as_uri() + "/").render()
            document.metadata.created = document.metadata.modified = stamp
            target = site_dir / pdf_path(urls, event)
            target.parent.mkdir(parents=True, exist_ok=True)
            identifier = hashlib.sha256(f"civichub programme {event.slug}".encode()).hexdigest()[:32].encode()
            # a new file, never written into: staging may hold hard links to the live site's files
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            document.write_pdf(temporary, pdf_identifier=identifier, pdf_tags=True)
            os.replace(temporary, target)
            written.append(target)
    return written


def pdf_date(moment: datetime) -> str:
    """W3C date WeasyPrint turns into the PDF's CreationDate and ModDate."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_timestamp(hub) -> datetime:
    from ..generator import build_timestamp as timestamp
    return timestamp(hub)


@contextmanager
def weasyprint_messages() -> Iterator[None]:
    """WeasyPrint's complaints must not count as Pelican errors that fail the build: what it cannot
    load (an image, a stylesheet) becomes a civichub warning; the screen-only CSS it ignores
    (@media (prefers-color-scheme), overflow-x) is only worth a debug line."""
    logger = logging.getLogger("weasyprint")

    class Relay(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            level = logging.WARNING if record.levelno >= logging.ERROR else logging.DEBUG
            log.log(level, "programme.pdf: %s", record.getMessage())

    relay = Relay(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(relay)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(relay)
        logger.propagate = propagate
