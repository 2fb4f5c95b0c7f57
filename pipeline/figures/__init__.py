"""Figures: the key figures of ``docs/kerncijfers.md`` computed from the warehouse.

``kerncijfers`` (parameterised SQL per period and scope), ``survival`` (Kaplan-Meier),
``erlang`` (places needed), ``monitor`` (the Python API notebooks use). Nothing here is
protected: ``pipeline.share`` decides what leaves the machine.
"""
