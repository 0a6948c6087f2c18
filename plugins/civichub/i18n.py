"""Interface translations: gettext catalogs compiled from the theme's .po files at build time.

Message ids are the French strings of the templates (the default interface), so French needs no
catalog. The catalog of another language is theme/translations/<lang>/LC_MESSAGES/civichub.po;
it is read with Babel and compiled in memory, cached by modification time (docs/i18n.md).

Labels made in Python are message ids too: the modules of this package mark theirs with N_()
(found by pybabel's Python extractor), and extract_labels() hands pybabel the labels that other
modules keep as plain data (format names, language names, the open-data tables' descriptions)."""
from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import Iterator

DOMAIN = "civichub"
_CACHE: dict[Path, tuple[float, gettext.NullTranslations]] = {}


def N_(message: str) -> str:
    """Marks a label for the catalog where it is defined; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """N_ for a label whose French also means something else ('Recherche', the category, is
    'Research', not 'Search'): translated with pgettext(context, message)."""
    return message


class French(gettext.NullTranslations):
    """The interface without a catalog: the message ids are already French. NullTranslations
    knows only the English plural rule; French takes the singular for 0 and 1."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n < 2 else plural


def catalog_path(language: str, root: Path) -> Path:
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(language: str, root: Path) -> gettext.NullTranslations:
    if not language or language.startswith("fr"):
        return French()
    path = catalog_path(language, root)
    if not path.exists():
        raise FileNotFoundError(f"no interface catalog for CIVICHUB_LANGUAGE={language!r}: {path} "
                                "(docs/i18n.md, 'Ajouter une langue')")
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


def for_settings(settings: dict) -> gettext.NullTranslations:
    """The translations of a build's interface language (CIVICHUB_LANGUAGE, French by default)."""
    language = settings.get("CIVICHUB_LANGUAGE") or "fr"
    return translations(language, Path(settings.get("THEME") or "theme") / "translations")


def template_gettext(translations: gettext.NullTranslations):
    """The templates' `_()`: what Jinja's newstyle gettext gives (the translation marked safe,
    then formatted with its keyword arguments, which are escaped), without its two lookups
    through the template context on every call: a page calls `_()` about twenty-five times,
    220,000 calls for a hub of 9,000 pages (6% of a build, profiled). Each message is
    translated once per build, and one without arguments (most of them) formatted once too."""
    from markupsafe import Markup
    found: dict[str, Markup] = {}
    done: dict[str, Markup] = {}  # message -> its text formatted with no arguments ('%%' -> '%')

    def _(message: str, **variables) -> Markup:
        if not variables:
            text = done.get(message)
            if text is None:
                text = done[message] = translated(message) % {}
            return text
        return translated(message) % variables

    def translated(message: str) -> Markup:
        text = found.get(message)
        if text is None:
            text = found[message] = Markup(translations.gettext(message))
        return text
    return _


# -- extraction (babel.cfg) -------------------------------------------------------------------

def python_labels() -> Iterator[str]:
    """Interface labels that modules outside the theme's reach keep as data."""
    from .check import DEFAULT_FORMATS
    from .exports import opendata
    from .hub import LANGUAGE_NAMES
    yield from DEFAULT_FORMATS.values()
    yield from LANGUAGE_NAMES.values()
    yield opendata.LIST_NOTE.strip()
    for table in opendata.TABLES:
        yield table.title
        yield table.description
        yield from (column.description for column in table.columns)


def extract_labels(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """A pybabel extraction method: the labels of python_labels(), whatever the file read."""
    for label in dict.fromkeys(python_labels()):
        yield 0, None, label, []
