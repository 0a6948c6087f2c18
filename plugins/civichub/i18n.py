"""Interface translations: gettext catalogs compiled from the theme's .po files at build time.

Message ids are the French strings of the templates (the default interface), so French needs no
catalog. The catalog of another language is theme/translations/<lang>/LC_MESSAGES/civichub.po;
it is read with Babel and compiled in memory, cached by modification time (docs/i18n.md)."""
from __future__ import annotations

import gettext
import io
from pathlib import Path

DOMAIN = "civichub"
_CACHE: dict[Path, tuple[float, gettext.NullTranslations]] = {}


def catalog_path(language: str, root: Path) -> Path:
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(language: str, root: Path) -> gettext.NullTranslations:
    if not language or language.startswith("fr"):
        return gettext.NullTranslations()
    path = catalog_path(language, root)
    if not path.exists():
        raise FileNotFoundError(f"no interface catalog for CIVICHUB_LANGUAGE={language!r}: {path}")
    mtime = path.stat().st_mtime
    cached = _CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    result = Translations(buffer, domain=DOMAIN)
    _CACHE[path] = (mtime, result)
    return result
