"""fundtrail's subcommands that live in their own modules; each registers in fundtrail/cli.py."""
