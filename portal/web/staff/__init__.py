"""Back-office pages for staff (/staff): requests queue, tenant files, notes review, audit."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
