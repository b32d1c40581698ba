"""Disclosure and audit reports."""
