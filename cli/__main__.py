"""`python -m fundtrail.cli`: the `fundtrail` command."""

from fundtrail.cli import main

main()
