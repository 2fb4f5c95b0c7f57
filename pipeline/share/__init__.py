"""Share: everything that leaves the machine, and the disclosure control it passes.

``disclosure`` (the rules), ``audit`` (the attacker's view of a whole release),
``release`` (the protected numbers of a period), ``reports`` (their layout, notebook and
files), ``charts`` and ``kaart`` (pictures), ``safe_output`` (CSV a spreadsheet cannot run).
"""
