"""fundtrail's commands, one module each; fundtrail/cli.py registers them."""
