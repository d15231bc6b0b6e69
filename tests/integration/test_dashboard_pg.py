"""The dashboard's figures on PostgreSQL (the app role, RLS on): the week, month and weekly
revenue come from one statement of `FILTER`ed sums; the same figures as on SQLite."""

from tests.unit.test_dashboard import (  # noqa: F401  (collected here again, on PostgreSQL)
    test_empty_shop_has_zero_figures,
    test_figures_follow_the_tenant_time_zone,
)
