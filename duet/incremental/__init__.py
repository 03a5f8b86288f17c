"""Incremental builds: the plain pipeline with what earlier builds made taken from the store."""
