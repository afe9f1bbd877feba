"""The files ``plancode init`` writes into a new plan repository (package data).

Plan files use ``@TOKEN@`` placeholders that ``plancode.commands.init`` fills in:
``@YEAR@``, ``@LAST_WEEK@``, ``@LAST_QUARTER@``, ``@VERSION@``, ``@ACTION@`` and
``@DAY-35@``/``@DAY+20@`` (a date that many days from the Monday of the example's week),
so the example is current on the day it is created.
"""
