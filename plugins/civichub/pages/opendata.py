"""The page that explains the open data and links every file (/donnees/)."""
from __future__ import annotations

from typing import Iterator

from ..exports import opendata as data
from ..i18n import N_, for_settings
from . import Page

TYPE_LABELS = {"string": N_("texte"), "integer": N_("entier"), "date": N_("date"),
               "datetime": N_("date et heure"), "boolean": N_("booléen")}


def pages(hub, urls, settings) -> Iterator[Page]:
    # The tables' descriptions are French in the data package; on the page they are interface
    # text, in the interface language (the catalog holds them: i18n.python_labels).
    _ = for_settings(settings).gettext
    where = data.paths(urls)
    list_note = " " + _(data.LIST_NOTE.strip())
    counts = data.row_counts(hub, urls)
    tables = [{
        "name": table.name,
        "title": _(table.title),
        "description": _(table.description),
        "rows": counts[table.name],
        "csv": where[f"{table.name}.csv"],
        "json": where[f"{table.name}.json"],
        "primary_key": list(table.primary_key),
        "fields": [{"name": c.name,
                    "type": _(TYPE_LABELS.get(c.type, c.type)) + (_(" (liste)") if c.list else ""),
                    "description": _(c.description) + (list_note if c.list else ""),
                    "required": c.required} for c in table.columns],
        "foreign_keys": [{"fields": list(fk.fields), "resource": fk.resource, "reference": list(fk.reference)}
                         for fk in table.foreign_keys],
    } for table in data.TABLES]
    yield Page(urls("opendata"), "opendata", {
        "data_tables": tables,
        "data_license": data.data_license(settings),
        "datapackage_url": where["datapackage"],
    })
