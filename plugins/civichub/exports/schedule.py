"""c3voc schedule.json and frab schedule.xml. To be written."""
from __future__ import annotations


def schedule_json(hub, event, site) -> bytes:
    return b""  # placeholder until implemented


def schedule_xml(hub, event, site) -> bytes:
    return b""  # placeholder until implemented
