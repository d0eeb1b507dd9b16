"""The benchmark baseline: a minimal view of this same app that renders a 50-row table
from the same database, inside the same layout. Benchmarks compare every main page to
it (a ratio measured in the same run, on the same machine). Registered only when
BENCHMARK_BASELINE is set, so it never exists in a normal deployment."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from sqlalchemy import select

from portal.db import db
from portal.models import RentCall

bp = Blueprint("baseline", __name__)


@bp.route("/_bench/baseline")
def baseline():
    rows = db.session.execute(select(RentCall.id, RentCall.period, RentCall.rent_cents, RentCall.charges_cents)
                              .order_by(RentCall.id).limit(50)).all()
    return render_template("bench/baseline.html", rows=rows)


def init_app(app: Flask) -> None:
    if app.config.get("BENCHMARK_BASELINE"):
        app.register_blueprint(bp)
