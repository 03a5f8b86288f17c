"""Stages 4 and 5, write and post: every link checked, the search index built, the new
site staged beside the published one and swapped in at once."""
