"""Beancount plugins: fundtrail's checks. Enable with `plugin "fundtrail.plugins.checks"`."""
