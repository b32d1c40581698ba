"""Province scale: many county ledgers side by side, and the checks no single county can run.

A county exports its books as Parquet (`export`: the schema in `schema`, personal numbers
replaced by keyed hashes from `pseudonym`); the province rolls many counties up in parallel on
Dask (`rollup`), queries them with DuckDB (`queries`) and runs the cross-county rules (`rules`).
docs/province.md describes the tables, the key and how to run it on a cluster.
"""
