"""Back-office pages for staff (requests queue, tenant files, notes review, audit)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.web.staff import dashboard  # noqa: E402,F401  (registers /staff)
from portal.web.staff import notes  # noqa: E402,F401  (notes, incidents, DPO review)
from portal.web.staff import requests  # noqa: E402,F401  (request queue, request page, registration)
from portal.web.staff import tenants  # noqa: E402,F401  (tenant search and files)
from portal.web.staff import audit  # noqa: E402,F401  (the audit log, DPO)
