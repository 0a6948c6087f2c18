"""Jinja filters for the theme: French dates and times, independent of the machine's locale."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

from markupsafe import Markup

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def long_date(value: date | datetime | None) -> str:
    """'lundi 18 mars 2019'."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{DAYS[value.weekday()]} {day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: date | datetime | None) -> str:
    """'18 mars 2019'."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def month_name(month: int | None) -> str:
    return MONTHS[month - 1] if month else ""


def hour(value: time | None) -> str:
    """'09:00' -> '9 h', '14:20' -> '14 h 20', the French typographic convention."""
    if value is None:
        return ""
    return f"{value.hour}\u00a0h" + (f"\u00a0{value.minute:02d}" if value.minute else "")


def iso_time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def date_range(start: date | None, end: date | None) -> str:
    if start is None:
        return "date non communiquée"
    if end is None or end == start:
        return long_date(start)
    return f"du {long_date(start)} au {long_date(end)}"


def utc_iso(value: datetime | None) -> str:
    """An aware datetime as UTC ISO 8601, for machines and scripts: '2019-03-18T08:00:00Z'."""
    if value is None:
        return ""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(value: datetime | None) -> str:
    """An aware datetime with its offset, for <time datetime> and JSON-LD."""
    return value.isoformat() if value else ""


def json_script(value) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' escaped so '</script>' cannot break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


FILTERS = {
    "utc_iso": utc_iso, "local_iso": local_iso, "json_script": json_script,
    "long_date": long_date, "short_date": short_date, "month_name": month_name, "hour": hour,
    "iso_time": iso_time, "date_range": date_range,
}
