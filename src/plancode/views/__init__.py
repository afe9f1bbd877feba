"""Views: every table and list a reader sees, built once from the model as plain records.

The layers are model → views → renderers (see docs/architecture.md):

- :mod:`plancode.model` holds the plan and every computed figure (SPEC §2, §5) and the
  derived facts the rules and pages share (:mod:`plancode.model.tracking`: the tasks
  each department owes each week, report history, judged periods).
- this package decides **what is shown**: which rows a table has, in which order, which
  of them are alerts and how severe, what is judged at as_of, and the localized labels
  (no raw key such as ``promotion`` or ``in_progress`` reaches a renderer as text).
- the renderers (:mod:`plancode.render.site`, :mod:`plancode.render.markdown`, the
  xlsx writer and :mod:`plancode.export`) only format these records: escaping, layout,
  links, number formats. Two formats of one view cannot disagree.

Every view is a frozen dataclass (or a tuple of them) made by one function of
``(plan, config, labels)``; a record keeps the model records it shows (``task``,
``goal``, ``review``) beside the values computed for display, so a renderer can link
them. One module per page family:

- :mod:`.names`       — person, department and task names; labels of free-text keys
- :mod:`.goals`       — goal tree and alignment (templates 1, 5), headline KPIs
- :mod:`.gantt`       — each workstream's (and the portfolio's) Gantt rows (template 2)
- :mod:`.weeks`       — weeks × departments tracking (template 3), missing reports;
  :mod:`.weekgrid` the grid of every week from the first report to as_of
- :mod:`.portfolio`   — every workstream in one Gantt, with its status and trend
- :mod:`.reviews`     — the evaluation per period (template 4), judged or not, notes
- :mod:`.dashboard`   — headline counts, alerts (deduplicated, apart from good news),
  budget and modules (template 7)
- :mod:`.people`      — people and their load
- :mod:`.baseline`    — the changes since a baseline revision (``build --baseline``)
- :mod:`.tables`      — the flat tables of ``plancode export`` (columns, kinds, rows)

To add a figure (e.g. a second-release column): compute it in the model, add a field to
the view record that shows it, then print that field in each renderer's template.
"""

from .dashboard import (
    KINDS, STATUSES, Alert, Alerts, BudgetView, ModuleRow, alerts, budgets, points, status_counts,
)
from .formats import date, number, percent
from .goals import TreeRow, alignment, goal_tags, goal_tree, goals_in_order, headline_goals, themes
from .names import Names
from .people import DepartmentRow, PersonRow, department_rows, people_rows
from .reviews import change as review_change
from .reviews import comparison
from .reviews import owners as review_owners
from .weeks import BehindRow, DepartmentWeek, EntryRow, Week, behind_plan, entry_row, lagging, weeks

__all__ = [
    "KINDS", "STATUSES", "Alert", "Alerts", "BehindRow", "BudgetView", "DepartmentWeek", "EntryRow", "ModuleRow",
    "DepartmentRow", "Names", "PersonRow", "department_rows", "TreeRow", "Week", "alerts", "alignment", "behind_plan", "budgets", "comparison", "date",
    "entry_row", "goal_tags", "goal_tree", "goals_in_order", "headline_goals", "lagging", "number", "people_rows",
    "percent", "points", "review_change", "review_owners", "status_counts", "themes", "weeks",
]
