"""Importers: bank statements, treasury vouchers, rosters, registers."""
