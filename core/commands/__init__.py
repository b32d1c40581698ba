"""fundtrail subcommands that live in their own modules; each is registered in core/cli.py."""
