"""The programme grid of one day: rooms as columns, time slots as rows, sessions spanning the
rows and columns they occupy. Computed from the hub for the templates; nothing is written here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from itertools import groupby

from .hub import Hub
from .model import Event, Room, Session


@dataclass(frozen=True, slots=True)
class Cell:
    session: Session | None
    rows: int
    cols: int
    headers: str  # ids of the time and room header cells this cell belongs to


@dataclass(slots=True)
class Row:
    start: time
    end: time
    id: str
    cells: list[Cell] = field(default_factory=list)


@dataclass(slots=True)
class DayGrid:
    day: date
    rooms: list[Room]
    rows: list[Row]


def room_header_id(room: Room) -> str:
    return f"salle-{room.id}"


def event_grids(hub: Hub, event: Event) -> list[DayGrid]:
    """One grid per day, for the sessions held in the event's rooms (or in all of them)."""
    in_grid = [s for s in hub.timed_sessions(event) if s.end and not s.venue]
    by_day = groupby(sorted(in_grid, key=lambda s: hub.session_day(s)), key=hub.session_day)
    return [day_grid(hub, event, day, list(sessions)) for day, sessions in by_day]


def columns_of(hub: Hub, session: Session, rooms: list[Room]) -> list[int]:
    if hub.spans_all_rooms(session):
        return list(range(len(rooms)))
    ids = [ref.id for ref in session.rooms]
    return [i for i, room in enumerate(rooms) if room.id in ids]


def day_grid(hub: Hub, event: Event, day: date, sessions: list[Session]) -> DayGrid:
    rooms = event.rooms or [Room("principale", "Salle principale")]
    bounds = sorted({t for s in sessions for t in (s.start, s.end)})
    rows = [Row(a, b, f"h-{day:%m%d}-{a:%H%M}") for a, b in zip(bounds, bounds[1:])]
    row_index = {row.start: i for i, row in enumerate(rows)}
    covered: set[tuple[int, int]] = set()
    starts: dict[tuple[int, int], tuple[Session, int]] = {}
    for session in sessions:
        columns = columns_of(hub, session, rooms)
        for first, width in runs(columns):
            starts.setdefault((row_index[session.start], first), (session, width))
    for r, row in enumerate(rows):
        for c, room in enumerate(rooms):
            if (r, c) in covered:
                continue
            session, width = starts.get((r, c), (None, 1))
            height = sum(1 for other in rows[r:] if session and other.start < session.end) or 1
            cells = {(r + dr, c + dc) for dr in range(height) for dc in range(width)}
            if session is not None and cells & covered:  # clashes are checker errors; never crash
                height, width, cells = 1, 1, {(r, c)}
            covered |= cells
            headers = " ".join([rows[r + dr].id for dr in range(height)]
                               + [room_header_id(rooms[c + dc]) for dc in range(width)])
            row.cells.append(Cell(session, height, width, headers))
    return DayGrid(day, rooms, rows)


def runs(columns: list[int]) -> list[tuple[int, int]]:
    """Consecutive columns as (first, width): [0, 1, 3] -> [(0, 2), (3, 1)]."""
    result: list[tuple[int, int]] = []
    for column in columns:
        if result and result[-1][0] + result[-1][1] == column:
            result[-1] = (result[-1][0], result[-1][1] + 1)
        else:
            result.append((column, 1))
    return result
