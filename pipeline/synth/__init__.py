"""Synth: a synthetic world of shelters and the delivery files they would export.

``model`` (the day-by-day world), ``export`` (how organisations write files), ``defects``
(deliberately bad files), ``targets`` (the published figures it is calibrated to),
``generator`` (one call: world -> files).
"""
