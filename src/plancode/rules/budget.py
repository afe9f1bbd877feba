"""PC5 · budget: allocations that add up, and a contingency reserve.

How the money nests (one reading, used by PC501 and documented there): a strategy's
`budget.total` includes its contingency reserve; the top-level goals share what is left
after the reserve. A goal's `budget` covers its sub-goals *and* the tasks linked to it
directly (their own `goal:` or their workstream's) — one pot, so both add up against it.
"""

from __future__ import annotations

from typing import Iterator

from .. import i18n
from ..model import Goal, Plan, Strategy
from ..problems import Finding, Severity
from . import Context, rule

i18n.register({
    # PC501
    "over-allocated-shares": (
        "the budget shares add up to {sum}% ({lines}), more than 100%: {over} points over",
        "預算分配比例合計 {sum}%({lines}),超過 100%:超出 {over} 個百分點",
    ),
    "over-allocated-shares-line": (
        "{name} {value}%",
        "{name} {value}%",
    ),
    "over-allocated-shares-contingency": (
        "{value}% contingency",
        "預備金 {value}%",
    ),
    "over-allocated-shares-hint": (
        "lower the shares under `allocation:` so that they and `contingency:` add up to 100 "
        "or less",
        "請調低 `allocation:` 中的比例,使其與 `contingency:` 合計不超過 100",
    ),
    "over-allocated-goals": (
        "the top-level goals' budgets add up to {sum}, more than the total budget {total}: "
        "{over} over",
        "一級目標預算合計 {sum},超過總預算 {total}:超出 {over}",
    ),
    "over-allocated-goals-reserve": (
        "the top-level goals' budgets add up to {sum}, more than the {limit} left after the "
        "{contingency}% contingency reserve of the total {total}: {over} over",
        "一級目標預算合計 {sum},超過總預算 {total} 扣除 {contingency}% 預備金後可分配的 "
        "{limit}:超出 {over}",
    ),
    "over-allocated-goals-hint": (
        "lower the goals' `budget:`, or raise `budget.total`; the contingency reserve is "
        "kept out of the goals",
        "請調低各目標的 `budget:`,或提高 `budget.total`;預備金不應分配給目標",
    ),
    "over-allocated-goal": (
        "the budgets under goal {goal} add up to {sum} ({parts}), more than its budget "
        "{limit}: {over} over",
        "目標 {goal} 之下的預算合計 {sum}({parts}),超過該目標的預算 {limit}:超出 {over}",
    ),
    "over-allocated-part-goals": (
        "sub-goals {amount}",
        "子目標 {amount}",
    ),
    "over-allocated-part-tasks": (
        "tasks {amount}",
        "任務 {amount}",
    ),
    "over-allocated-goal-hint": (
        "lower the budgets of its sub-goals or tasks, or raise this goal's `budget:`; a "
        "goal's budget covers its sub-goals and the tasks linked to it",
        "請調低其子目標或任務的預算,或提高此目標的 `budget:`;目標預算涵蓋其子目標和關聯的任務",
    ),
    # PC502
    "contingency-range-low": (
        "the contingency reserve is {value}% of the budget, below the {low}–{high}% the "
        "plan should keep",
        "預備金佔預算 {value}%,低於應保留的 {low}–{high}%",
    ),
    "contingency-range-high": (
        "the contingency reserve is {value}% of the budget, above the {low}–{high}% the "
        "plan should keep",
        "預備金佔預算 {value}%,高於應保留的 {low}–{high}%",
    ),
    "contingency-range-missing": (
        "the budget keeps no contingency reserve; plans keep {low}–{high}% of the total",
        "預算沒有設定預備金;計劃應保留總預算的 {low}–{high}%",
    ),
    "contingency-range-hint": (
        "set `contingency:` in `budget:` to a value from {low} to {high} (percent of the "
        "total), or change `thresholds.contingency` in plancode.yaml if your team keeps "
        "another reserve",
        "請在 `budget:` 中把 `contingency:` 設為 {low} 到 {high}(佔總預算的百分比);"
        "如團隊另有規定,可在 plancode.yaml 修改 `thresholds.contingency`",
    ),
})


def _number(value: float) -> str:
    """An amount or a percentage as written in a plan: 1,000,000 or 12.5."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _money(value: float, strategy: Strategy | None) -> str:
    currency = strategy.budget.currency if strategy and strategy.budget else ""
    return f"{_number(value)} {currency}".rstrip()


@rule("PC501", "over-allocated", Severity.ERROR, ("Over-allocated budget", "預算超額分配"))
def over_allocated(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    More money is handed out than there is. The templates split a budget by share
    (promotion 40%, channel support 30%, training 10%, plus a contingency reserve) and
    decompose it down the goal tree; when the parts add up to more than the whole, some
    of the planned work cannot be paid for. Three sums are checked, each against its
    parent's `budget`:

    - a strategy's `allocation` shares plus its `contingency`: at most 100%;
    - its top-level goals' budgets: at most `budget.total` minus the contingency reserve
      (the total includes the reserve, and the reserve is not for goals);
    - a goal's sub-goals' budgets plus the budgets of the tasks linked to it directly
      (their own `goal:` or their workstream's): at most the goal's `budget`. Sub-goals
      and tasks share the goal's one budget; cancelled tasks do not count.

    The finding names the sum, the limit and the over-run. Goals without a `budget` set
    no limit.

    Failing:
    ```yaml
    budget: {total: 1000000, currency: CNY, contingency: 12,
             allocation: {promotion: 50, channel: 30, training: 10}}
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        budget: 150000
        goals:
          - {id: cac-50, title: 新客獲客成本降至50元/人, budget: 100000}
          - {id: brand-search-20, title: 品牌搜索量季度達20萬次, budget: 80000}
    ```
    Fixed:
    ```yaml
    budget: {total: 1000000, currency: CNY, contingency: 12,
             allocation: {promotion: 40, channel: 30, training: 10}}
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        budget: 150000
        goals:
          - {id: cac-50, title: 新客獲客成本降至50元/人, budget: 60000}
          - {id: brand-search-20, title: 品牌搜索量季度達20萬次, budget: 80000}
    ```
    """
    for strategy in plan.strategies.values():
        if strategy.budget is not None:
            yield from _shares(strategy, ctx)
            yield from _top_goals(plan, strategy, ctx)
    for goal in plan.goals.values():
        yield from _goal(plan, goal, ctx)


def _shares(strategy: Strategy, ctx: Context) -> Iterator[Finding]:
    budget = strategy.budget
    if not budget.allocation:
        return  # the contingency alone is a percentage of at most 100
    shares = [ctx.messages("over-allocated-shares-line", name=name, value=_number(value))
              for name, value in budget.allocation.items()]
    if budget.contingency:
        shares.append(ctx.messages("over-allocated-shares-contingency",
                                   value=_number(budget.contingency)))
    total = sum(budget.allocation.values()) + (budget.contingency or 0)
    if total > 100:
        yield Finding(
            "PC501",
            ctx.messages("over-allocated-shares", sum=_number(total), lines=", ".join(shares),
                         over=_number(total - 100)),
            strategy.source.doc, strategy.source.pointer + ("budget", "allocation"),
            hint=ctx.messages("over-allocated-shares-hint"),
        )


def _top_goals(plan: Plan, strategy: Strategy, ctx: Context) -> Iterator[Finding]:
    budget = strategy.budget
    spent = sum(plan.goals[g].budget or 0 for g in strategy.goals if g in plan.goals)
    reserve = budget.contingency or 0
    limit = budget.total * (100 - reserve) / 100
    if spent <= limit:
        return
    values = dict(sum=_money(spent, strategy), total=_money(budget.total, strategy),
                  limit=_money(limit, strategy), contingency=_number(reserve),
                  over=_money(spent - limit, strategy))
    message = "over-allocated-goals-reserve" if reserve else "over-allocated-goals"
    yield Finding("PC501", ctx.messages(message, **values), strategy.source.doc,
                  strategy.source.pointer + ("budget", "total"),
                  hint=ctx.messages("over-allocated-goals-hint"))


def _goal(plan: Plan, goal: Goal, ctx: Context) -> Iterator[Finding]:
    if goal.budget is None:
        return
    below = sum(plan.goals[c].budget or 0 for c in goal.children if c in plan.goals)
    linked = sum(plan.tasks[t].budget or 0 for t in goal.tasks
                 if t in plan.tasks and plan.tasks[t].status != "cancelled")
    total = below + linked
    if total <= goal.budget:
        return
    strategy = plan.strategies.get(goal.strategy)
    parts = []
    if below:
        parts.append(ctx.messages("over-allocated-part-goals", amount=_money(below, strategy)))
    if linked:
        parts.append(ctx.messages("over-allocated-part-tasks", amount=_money(linked, strategy)))
    yield Finding(
        "PC501",
        ctx.messages("over-allocated-goal", goal=goal.title, sum=_money(total, strategy),
                     parts=" + ".join(parts), limit=_money(goal.budget, strategy),
                     over=_money(total - goal.budget, strategy)),
        goal.source.doc, goal.source.pointer + ("budget",),
        hint=ctx.messages("over-allocated-goal-hint"),
    )


@rule("PC502", "contingency-range", Severity.WARNING, ("Contingency outside range", "預備金比例超出範圍"),
      options=("thresholds.contingency",))
def contingency_range(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A strategy's budget keeps a contingency reserve (預備金) outside the accepted range,
    `thresholds.contingency` (default 10–15%, both ends included). The templates keep
    10–15% of the budget in reserve for the unplanned — a competitor's promotion, a
    failed live stream that must be rerun; some teams keep 10–20% and set
    `thresholds.contingency: [10, 20]`. A reserve below the range leaves nothing for
    surprises; one above it ties up money that should be working. A budget with no
    `contingency:` at all keeps no reserve and is reported too (unless the range starts
    at 0).

    Failing:
    ```yaml
    budget: {total: 1000000, currency: CNY, contingency: 5,
             allocation: {promotion: 40, channel: 30, training: 10}}
    ```
    Fixed:
    ```yaml
    budget: {total: 1000000, currency: CNY, contingency: 12,
             allocation: {promotion: 40, channel: 30, training: 10}}
    ```
    """
    low, high = ctx.config.thresholds.contingency
    bounds = dict(low=_number(low), high=_number(high))
    for strategy in plan.strategies.values():
        budget = strategy.budget
        if budget is None:
            continue
        hint = ctx.messages("contingency-range-hint", **bounds)
        if budget.contingency is None:
            if low > 0:
                yield Finding("PC502", ctx.messages("contingency-range-missing", **bounds),
                              strategy.source.doc, strategy.source.pointer + ("budget",),
                              key=True, hint=hint)
        elif not low <= budget.contingency <= high:
            side = "low" if budget.contingency < low else "high"
            message = ctx.messages(f"contingency-range-{side}", value=_number(budget.contingency), **bounds)
            yield Finding("PC502", message,
                          strategy.source.doc, strategy.source.pointer + ("budget", "contingency"),
                          hint=hint)
