"""Importers (issue 3): bank statements, treasury vouchers, rosters, registers."""
