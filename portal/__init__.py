"""The tenant privacy portal: a Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal. `config` overrides every other source of settings."""
    import os

    from portal import i18n, sensitive, settings
    from portal.web import app as web

    instance = os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask("portal", instance_path=instance, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(settings.load(app.instance_path, config))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    i18n.compile_all(ROOT / "translations")
    # The guard's model retrained from the DPO's decisions, when there is one (§7).
    sensitive.set_model_path(Path(app.instance_path) / app.config.get("GUARD_MODEL_FILE", "guard.model"))
    web.init_app(app)
    import portal.jobs.tasks  # noqa: F401  (registers the job functions with portal.jobs)
    return app
