"""Unbound Flask extensions. Imports nothing of the portal, so any module may import
these without creating an import cycle."""

from __future__ import annotations

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
