"""The Hubei explainer's own code, loaded by the engine as the site's hooks
(`duet/load/hooks.py`): the schemas of its data collections and of its glossary's
extra fields, and what its templates get beyond the site model (pictures drawn
from the data, page metadata, the generated pages' addresses) as the global
`show`."""

from __future__ import annotations

from .presentation import presentation_globals as template_globals
from .schemas import COLLECTIONS, GLOSSARY_FIELDS

__all__ = ["COLLECTIONS", "GLOSSARY_FIELDS", "template_globals"]
