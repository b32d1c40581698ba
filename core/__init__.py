"""fundtrail: fund and project ledger with an audit trail for 衔接资金, on beancount 3."""
__version__ = "0.1.0"
