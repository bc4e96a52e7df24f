from __future__ import annotations

from datetime import date
from typing import cast

from django import template

from oauth_grants.selectors import dashboard_stats

register = template.Library()

CHART_WIDTH = 420
CHART_HEIGHT = 90


@register.inclusion_tag("admin/oauth_grants/dashboard.html")
def oauth_dashboard() -> dict[str, object]:
    stats = dashboard_stats()
    series = cast("list[tuple[date, int]]", stats["issued_per_day"])
    peak = max((n for _day, n in series), default=0) or 1
    slot = CHART_WIDTH / len(series)
    bars = []
    for index, (day, count) in enumerate(series):
        height = round((CHART_HEIGHT - 14) * count / peak)
        bars.append(
            {
                "x": round(index * slot + 2, 1),
                "y": CHART_HEIGHT - 14 - height,
                "width": round(slot - 4, 1),
                "height": height,
                "day": day,
                "count": count,
                "label_x": round(index * slot + slot / 2, 1),
            }
        )
    return {
        **stats,
        "bars": bars,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
    }
