"""Reading, checking and reloading the knowledge-base files in `kb/`."""
