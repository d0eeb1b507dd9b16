"""Signing in and out, activation, password and two-factor pages."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
