"""Tools that cross every layer of the data's path, beside it rather than on it: ``bench``
(``opvangmonitor bench``: synth -> ingest -> figures -> reports, timed) and ``validatie``
(``opvangmonitor valideer-capaciteit``: the capacity model against synth's known world).
No package on the path imports them."""
