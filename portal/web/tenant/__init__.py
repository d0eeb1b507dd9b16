"""The tenant's own pages (/me): their file, its exports, their requests and who read it."""

from flask import Blueprint

bp = Blueprint("tenant", __name__, url_prefix="/me")
