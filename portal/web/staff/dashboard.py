"""The staff dashboard (/staff): the requests that need attention, and a year of history
drawn as server-side SVG charts."""

from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import render_template
from flask_babel import gettext as _

from portal import catalogue
from portal.web import svgchart
from portal.db import db
from portal.formatting import landlord_today
from portal.web.guards import requires
from portal.requests import stats
from portal.web.staff import bp
from portal.web.context import current_actor, current_lang


def _charts(board: stats.Dashboard, lang: str) -> dict[str, object]:
    """The two charts and the numbers of their accessible tables, formatted for the language."""
    def month_label(m: stats.Month) -> str:
        return format_date(m.first_day, "MMM", locale=lang).rstrip(".")

    def days(value: float | None) -> str:
        return "" if value is None else format_decimal(value, "#,##0.#", locale=lang)

    received = [svgchart.Bar(month_label(m), m.received, format_decimal(m.received, locale=lang))
                for m in board.months]
    medians = [svgchart.Bar(month_label(m), m.median_days, days(m.median_days))
               for m in board.months]
    period = _("%(start)s to %(end)s",
               start=format_date(board.months[0].first_day, "MMMM yyyy", locale=lang),
               end=format_date(board.months[-1].first_day, "MMMM yyyy", locale=lang))
    total = sum(m.received for m in board.months)
    received_title = _("Requests received per month")
    median_title = _("Median answer time per month, in days")
    return {
        "received_title": received_title,
        "median_title": median_title,
        "received_chart": svgchart.bar_chart(
            "chart-received", received_title,
            _("Requests received from %(period)s: %(total)s.", total=total, period=period), received),
        "median_chart": svgchart.bar_chart(
            "chart-median", median_title,
            _("Median number of days between receipt and answer, by month of the answer, "
              "from %(period)s.", period=period), medians),
        "rows": [{"month": format_date(m.first_day, "MMMM yyyy", locale=lang),
                  "received": format_decimal(m.received, locale=lang),
                  "answered": format_decimal(m.answered, locale=lang),
                  "median": days(m.median_days) or "—"} for m in board.months],
        "median": days(board.median_days),
        "period": period,
    }


@bp.route("", strict_slashes=False)
@requires("staff_dashboard")
def dashboard():
    actor = current_actor()
    lang = current_lang()
    today = landlord_today()
    kind_labels = {k: str(v) for k, v in catalogue.REQUEST_KIND_LABELS.items()}
    board = stats.build(db.session, actor, today, kind_labels, _("Not assigned"))
    return render_template("staff/dashboard.html", board=board, charts=_charts(board, lang),
                           today=today)
