"""One page of a searched list with its total, in one pass over the matches."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select


def page_with_total(session: Session, stmt: Any, *, order_by: tuple, page: int, per_page: int) -> tuple[list[Any], int]:
    """The rows of `page` (1-based) of `stmt` in `order_by` order, and how many rows `stmt` matches.

    The total rides on every row (`count(*) OVER ()`), so a costly filter such as a search runs
    once instead of once for the page and once for the count; only a page past the end costs a
    separate count. A statement of one entity gives its rows as that entity, else as tuples.
    """
    paged = stmt.order_by(*order_by).add_columns(func.count().over()).offset((page - 1) * per_page).limit(per_page)
    counted = session.execute(paged).all()  # rows, not `exec`'s scalars: a one-entity select would drop the count
    rows = [row[0] if len(row) == 2 else tuple(row[:-1]) for row in counted]
    if counted:
        return rows, int(counted[0][-1])
    return rows, 0 if page == 1 else int(session.exec(select(func.count()).select_from(stmt.subquery())).one())
