"""`fundtrail serve`: Fava for a workspace behind the guard (serve), the login layer (access) and the users file (users)."""
