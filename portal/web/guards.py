"""View guards: declared permissions (access.PERMISSIONS) applied to views, so no view
checks a role by hand."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user

from portal import access
from portal.web.context import current_actor


def requires(action: str) -> Callable:
    """Log in first; then 403 unless the user's role is granted `action`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from portal.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not access.can(current_actor(), action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action  # read by the access-matrix test
        return wrapped

    return decorator
