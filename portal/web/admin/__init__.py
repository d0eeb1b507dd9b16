"""Administration pages: staff accounts, roles and assignments."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
