"""The rule catalogue: every module here exports `RULES = {rule_id: rule}` and `SETTINGS`, the
settings its rules read, each a `fundtrail.plugins.settings.Setting` (name, type, default, label,
bounds). `fundtrail.plugins.checks` gathers them all.

A rule is `rule(ctx) -> iterable[Finding]`, where `ctx` is a `Context` (entries, master data,
settings and shared indexes computed once per load).
"""

from __future__ import annotations

import importlib
import pkgutil


def modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_") and info.name != "context":
            yield importlib.import_module(f"{__name__}.{info.name}")


def catalogue() -> tuple[dict, dict]:
    """All rules by id and all settings declared by name, from every rule module."""
    rules, settings = {}, {}
    for module in modules():
        for rule_id in module.RULES:
            if rule_id in rules:
                raise ValueError(f"rule id {rule_id!r} defined twice ({module.__name__})")
        rules.update(module.RULES)
        for setting in module.SETTINGS:
            if setting.name in settings:
                raise ValueError(f"setting {setting.name!r} declared twice ({module.__name__})")
            settings[setting.name] = setting
    return rules, settings
