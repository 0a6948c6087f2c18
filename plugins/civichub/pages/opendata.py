"""The page that explains the open data and links every file (/donnees/)."""
from __future__ import annotations

from typing import Iterator

from ..exports import opendata as data
from . import Page

TYPE_LABELS = {"string": "texte", "integer": "entier", "date": "date", "datetime": "date et heure",
               "boolean": "booléen"}


def pages(hub, urls, settings) -> Iterator[Page]:
    where = data.paths(urls)
    tables = [{
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "rows": len(table.rows),
        "csv": where[f"{table.name}.csv"],
        "json": where[f"{table.name}.json"],
        "primary_key": list(table.primary_key),
        "fields": [{"name": c.name, "type": TYPE_LABELS.get(c.type, c.type) + (" (liste)" if c.list else ""),
                    "description": c.description + (data.LIST_NOTE if c.list else ""),
                    "required": c.required} for c in table.columns],
        "foreign_keys": [{"fields": list(fk.fields), "resource": fk.resource, "reference": list(fk.reference)}
                         for fk in table.foreign_keys],
    } for table in data.tables(hub, urls)]
    yield Page(urls("opendata"), "opendata", {
        "data_tables": tables,
        "data_license": data.data_license(settings),
        "datapackage_url": where["datapackage"],
    })
