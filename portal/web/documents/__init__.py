"""Document downloads: the PDF copy, the CSV ZIP and response letters."""

from flask import Blueprint

bp = Blueprint("documents", __name__)
