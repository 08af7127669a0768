"""Framework-free helpers shared by several apps: no Django, no app imports (an import-linter
contract holds this). ``venue_rows`` holds the validated rows a venue answer parses into,
``clock`` the epoch-millisecond time helpers."""
