"""Ingest: delivery files -> checked, pseudonymised rows in the warehouse's raw tables.

``names`` (what a file name says) -> ``read_csv`` / ``read_xlsx`` (cells as text, with their
line numbers) -> ``checks`` (file rules) -> ``validate`` (row rules: the pandera schemas in
``schemas/``) -> ``pseudonym`` (keyed hash of client ids) -> ``load`` (one transaction per
file). ``run`` drives a run of many files.
"""
