"""PC503/PC504 · budgets by module and spending (SPEC §5.5).

A strategy's `budget.allocation` splits its total between modules (promotion 40%,
channel 30%…); a workstream's `module` says which share it draws on. The model sums the
task budgets planned and the money spent per module (model/money.py); these rules compare.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .. import i18n
from ..model import Plan
from ..problems import Finding, Severity
from . import Context, rule

i18n.register({
    "module-over-allocated": (
        "module {module} of strategy {strategy}: its workstreams' task budgets add up to "
        "{planned}, above its allocation of {allocated} ({share}% of {total})",
        "策略 {strategy} 的模塊 {module}:其工作流的任務預算合計 {planned},超過分配額 {allocated}"
        "(總預算 {total} 的 {share}%)",
    ),
    "module-over-allocated-hint": (
        "cut task budgets in {workstreams}, or raise the module's share in `budget.allocation`",
        "請削減 {workstreams} 中的任務預算,或提高 `budget.allocation` 中該模塊的比例",
    ),
    "task-overspent": (
        "task {task} has spent {spent} according to the weekly reports, above its budget {budget}",
        "根據周報,任務 {task} 已花費 {spent},超過預算 {budget}",
    ),
    "module-overspent": (
        "module {module} of strategy {strategy} has spent {spent}, above its allocation of {allocated}",
        "策略 {strategy} 的模塊 {module} 已花費 {spent},超過分配額 {allocated}",
    ),
    "overspent-hint": (
        "explain the overspend in the weekly report's `adjustment:`, and raise the budget "
        "only with the budget owner's approval",
        "請在周報的 `adjustment:` 說明超支原因;提高預算須經預算負責人批准",
    ),
})


def _money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@rule("PC503", "module-over-allocated", Severity.ERROR,
      ("Module budget planned above its allocation", "模塊計劃預算超過分配額"))
def module_over_allocated(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    The strategy's budget is split between modules (`budget.allocation: {promotion: 40,
    channel: 30}`), and each workstream names the module it draws on (`module:
    promotion`). When the task budgets of a module's workstreams add up to more than its
    share of the total, the plan spends money it does not have: cut tasks or move shares.

    Failing (400,000 allocated to promotion; the promotion workstreams plan 450,000):
    ```yaml
    budget: {total: 1000000, allocation: {promotion: 40, channel: 30}}
    ```
    Fixed:
    ```yaml
    budget: {total: 1000000, allocation: {promotion: 45, channel: 25}}
    ```
    """
    for module in plan.modules:
        if module.allocated is None or module.planned <= module.allocated + 0.005:
            continue
        strategy = plan.strategies[module.strategy]
        assert strategy.budget is not None  # an allocation needs a budget
        yield Finding(
            "PC503",
            ctx.messages("module-over-allocated", module=module.module, strategy=strategy.id,
                         planned=_money(module.planned), allocated=_money(module.allocated),
                         share=_money(module.share or 0), total=_money(strategy.budget.total)),
            strategy.source.doc, strategy.source.pointer + ("budget", "allocation", module.module),
            hint=ctx.messages("module-over-allocated-hint", workstreams=", ".join(module.workstreams)),
        )


@rule("PC504", "overspent", Severity.WARNING,
      ("Spent above a task's budget or a module's allocation", "實際花費超過預算"))
def overspent(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    The weekly reports' `spent:` add up, per task and per module, to what has been spent
    by as_of. More than a task's `budget`, or more than a module's allocation, is an
    overspend to explain (and to approve) before it grows.

    Failing (budget 8,000; the reports say 5,000 + 4,000):
    ```yaml
      - {id: account, name: 直播賬號搭建, budget: 8000}
    ```
    Fixed: the extra spend approved and the budget raised, or the spend corrected:
    ```yaml
      - {id: account, name: 直播賬號搭建, budget: 9000}   # 設備追加,已獲批准
    ```
    """
    spent: dict[str, float] = defaultdict(float)
    for report in plan.reports:
        if report.counted:
            for entry in report.entries:
                if entry.task is not None and entry.spent:
                    spent[entry.task] += entry.spent
    for full, amount in spent.items():
        task = plan.tasks[full]
        if task.budget is not None and amount > task.budget + 0.005 and not task.archived:
            yield Finding("PC504", ctx.messages("task-overspent", task=task.name, spent=_money(amount),
                                                budget=_money(task.budget)),
                          task.source.doc, task.source.pointer + ("budget",),
                          hint=ctx.messages("overspent-hint"))
    for module in plan.modules:
        if module.allocated is None or module.spent <= module.allocated + 0.005:
            continue
        strategy = plan.strategies[module.strategy]
        yield Finding("PC504", ctx.messages("module-overspent", module=module.module,
                                            strategy=strategy.id, spent=_money(module.spent),
                                            allocated=_money(module.allocated)),
                      strategy.source.doc, strategy.source.pointer + ("budget", "allocation", module.module),
                      hint=ctx.messages("overspent-hint"))
