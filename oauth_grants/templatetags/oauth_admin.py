from __future__ import annotations

from datetime import date, datetime
from typing import cast

from django import template

from oauth_grants.audit_text import timestamp_text
from oauth_grants.selectors import dashboard_stats

register = template.Library()

CHART_WIDTH = 420
CHART_HEIGHT = 110
# Room under the bars for two label lines (day, month) and above for the value.
LABELS_HEIGHT = 24
VALUE_HEIGHT = 12


@register.inclusion_tag("admin/oauth_grants/dashboard.html")
def oauth_dashboard() -> dict[str, object]:
    stats = dashboard_stats()
    series = cast("list[tuple[date, int]]", stats["issued_per_day"])
    total = sum(n for _day, n in series)
    peak = max((n for _day, n in series), default=0) or 1
    slot = CHART_WIDTH / len(series)
    plot_height = CHART_HEIGHT - LABELS_HEIGHT - VALUE_HEIGHT
    bars = []
    previous_month = None
    for index, (day, count) in enumerate(series):
        height = round(plot_height * count / peak)
        top = VALUE_HEIGHT + plot_height - height
        bars.append(
            {
                "x": round(index * slot + 2, 1),
                "y": top,
                "width": round(slot - 4, 1),
                "height": height,
                "day": day,
                "count": count,
                "label_x": round(index * slot + slot / 2, 1),
                "value_y": top - 2,
                # The month under the first day and wherever a month begins.
                "show_month": day.month != previous_month,
            }
        )
        previous_month = day.month
    return {
        **stats,
        "bars": bars,
        "issued_total": total,
        "first_day": series[0][0],
        "last_day": series[-1][0],
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "day_label_y": CHART_HEIGHT - LABELS_HEIGHT + 10,
        "month_label_y": CHART_HEIGHT - 2,
    }


@register.filter
def timestamp(moment: datetime | None) -> str:
    """A time to the second, with its zone (``audit_text.timestamp_text``)."""
    return timestamp_text(moment) if moment is not None else ""
