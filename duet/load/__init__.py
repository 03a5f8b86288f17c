"""Stage 1, load: site.yaml, every page and data file, read and checked against their
schemas, and the site's own code (its hooks)."""
