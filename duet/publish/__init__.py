"""Stages 4 and 5, write and post: every link checked, the search index built, the new
site staged (or the spare folder brought up to date) and swapped in at once."""
