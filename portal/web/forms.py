"""Form pieces shared by the tenant and staff blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from portal import catalogue


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def field_choices() -> list[tuple[str, str]]:
    return [("", _l("Choose…"))] + [(key, f"{cat.title} — {f.label}") for key, cat, f in
                                     catalogue.rectifiable_fields()]
