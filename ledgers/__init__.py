"""Ledgers shipped with fundtrail: the workspace templates and the demo county builder."""
