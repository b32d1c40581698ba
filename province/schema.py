"""The Parquet tables a county exports (schema version 2), one file per table per county.

Every table starts with `county` (the six-digit division code), so the counties' files can be
read as one table (`counties/*/postings.parquet`). Money is decimal(18, 2) yuan, never float.
`*_hash` columns are HMAC-SHA256 hex of a personal number (fundtrail.province.pseudonym);
free text (payee, narration, messages) has any personal number masked. docs/province.md
describes each column; a change to a column bumps SCHEMA_VERSION.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 2
MONEY = pa.decimal128(18, 2)
_s, _d, _i = pa.string(), pa.date32(), pa.int64()

TABLES: dict[str, pa.Schema] = {
    "county": pa.schema([
        ("county", _s), ("name", _s), ("bureau", _s), ("schema_version", _i), ("exported", _s),
        ("key_fingerprint", _s), ("content_hash", _s), ("transactions", _i), ("first", _d),
        ("last", _d)]),
    "postings": pa.schema([
        ("county", _s), ("date", _d), ("txn", _s), ("account", _s), ("amount", MONEY),
        ("fund", _s), ("project", _s), ("village", _s), ("town", _s), ("payee", _s),
        ("narration", _s), ("item", _s), ("links", pa.list_(_s)), ("source", _s), ("row", _s),
        ("payee_account_hash", _s)]),
    "flows": pa.schema([  # the books' flow index (fundtrail.flows): each flow a figure counts
        ("county", _s), ("date", _d), ("txn", _s), ("kind", _s), ("fund", _s), ("project", _s),
        ("village", _s), ("amount", MONEY)]),
    "beneficiaries": pa.schema([
        ("county", _s), ("date", _d), ("txn", _s), ("project", _s), ("fund", _s), ("item", _s),
        ("village", _s), ("name", _s), ("id_hash", _s), ("card_hash", _s), ("amount", MONEY),
        ("links", pa.list_(_s)), ("source", _s), ("row", _s)]),
    "funds": pa.schema([
        ("county", _s), ("code", _s), ("doc_no", _s), ("title", _s), ("level", _s),
        ("func_code", _s), ("amount", MONEY), ("issued", _d), ("earmarked", pa.bool_()),
        ("direct", pa.bool_())]),
    "projects": pa.schema([
        ("county", _s), ("code", _s), ("name", _s), ("category", _s), ("town", _s),
        ("village", _s), ("budget", MONEY), ("fund", _s), ("start", _d), ("end", _d),
        ("unit", _s), ("approved", _d)]),
    "places": pa.schema([("county", _s), ("code", _s), ("name", _s), ("town", _s)]),
    "figures": pa.schema([  # Books.figures per fund and project for each calendar year
        ("county", _s), ("year", _i), ("dimension", _s), ("key", _s), ("received", MONEY),
        ("passed_down", MONEY), ("spent", MONEY), ("balance", MONEY), ("since", _d)]),
    "findings": pa.schema([
        ("county", _s), ("id", _s), ("rule", _s), ("severity", _s), ("status", _s),
        ("date", _d), ("amount", MONEY), ("message", _s), ("links", pa.list_(_s))]),
    "officials": pa.schema([  # the cadres-and-relatives register, numbers hashed
        ("county", _s), ("role", _s), ("name", _s), ("id_hash", _s), ("cadre", _s),
        ("post", _s), ("relation", _s)]),
}
