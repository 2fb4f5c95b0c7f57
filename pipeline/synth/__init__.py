"""Synth: a synthetic world of shelters and the delivery files they would export.

``model`` (the day-by-day world), ``delivery_files`` (the files each organisation writes, in
its own dialect), ``defects`` (deliberately bad files), ``valid_rows`` (one valid row per
soort, for the defects and the tests), ``targets`` (the published figures it is calibrated
to), ``generator`` (one call: world -> files).
"""
