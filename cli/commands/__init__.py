"""fundtrail subcommands that live in their own modules; each is registered in cli/__init__.py."""
