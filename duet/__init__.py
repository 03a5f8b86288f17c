"""duet: a static site generator for two-language explainer sites."""

__version__ = "0.1.0"
