"""The period report on PostgreSQL (the app role, RLS on): the same figures as on SQLite, days
bucketed in SQL against the shop's midnights, another shop's data never counted."""

from tests.unit.test_performance import (  # noqa: F401  (collected here again, on PostgreSQL)
    test_another_shop_sees_nothing_and_staff_cannot_read_it,
    test_each_figure_lands_on_the_shops_day_near_midnight,
    test_the_period_report_matches_the_data,
)
