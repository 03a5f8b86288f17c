"""Translation drift: which translation units changed in one language since they were
last known to be in step with the others.

A unit is a section of a page (its heading, up to the next heading) or one
`{lang: text}` text of a data file. `content/translations.yaml` records, for
every unit, a hash of its text in each language and the date the translation
was accepted; a build compares the content with that record (`check.py`) and
warns where one language moved on and another did not.
"""
