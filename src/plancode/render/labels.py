"""Labels of the site and the Markdown reports in the two locales, and the few number
formats every page shares. Pages never format figures on their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

# key -> (English, Chinese)
LABELS: dict[str, tuple[str, str]] = {
    # statuses (SPEC §2)
    "status.not_started": ("Not started", "未開始"),
    "status.in_progress": ("In progress", "進行中"),
    "status.done": ("Done", "已完成"),
    "status.overdue": ("Overdue", "逾期"),
    "status.blocked": ("Blocked", "受阻"),
    "status.cancelled": ("Cancelled", "已取消"),
    # KPI alerts
    "alert.below": ("Below target", "低於目標"),
    "alert.exceeded": ("Exceeded", "超額完成"),
    # report answers (完成情況)
    "done.yes": ("Yes", "是"),
    "done.no": ("No", "否"),
    "done.partial": ("Partly", "部分完成"),
    # priorities, goal types, directions
    "priority.high": ("High", "高"),
    "priority.medium": ("Medium", "中"),
    "priority.low": ("Low", "低"),
    "type.result": ("Result", "結果目標"),
    "type.process": ("Process", "過程目標"),
    "direction.up": ("Higher is better", "越高越好"),
    "direction.down": ("Lower is better", "越低越好"),
    # pages
    "page.dashboard": ("Dashboard", "總覽"),
    "page.goals": ("Goal decomposition", "目標拆解"),
    "page.workstreams": ("Workstreams", "執行計劃"),
    "page.weeks": ("Weekly tracking", "執行跟蹤"),
    "page.reviews": ("Evaluation", "效果評估"),
    "page.people": ("People", "人員與職責"),
    # columns and headings
    "as_of": ("As of", "截至"),
    "period": ("Period", "期間"),
    "task": ("Task", "任務"),
    "goal": ("Goal", "目標"),
    "l1": ("L1 goal", "一級目標"),
    "l2": ("L2 goal", "二級目標"),
    "l3": ("L3 task", "三級任務"),
    "metric": ("Metric", "量化指標"),
    "kpi": ("KPI", "核心指標"),
    "owner": ("Owner", "負責人"),
    "support": ("Supporting departments", "配合部門"),
    "due": ("Due", "完成時間"),
    "resources": ("Resources", "資源需求"),
    "priority": ("Priority", "優先級"),
    "start": ("Start", "開始時間"),
    "end": ("End", "結束時間"),
    "days": ("Days", "工期(天)"),
    "predecessors": ("Predecessors", "前置任務"),
    "progress": ("Progress", "當前進度"),
    "planned": ("Planned", "計劃進度"),
    "actual": ("Actual", "實際進度"),
    "lag": ("Lag (points)", "落後(百分點)"),
    "status": ("Status", "狀態"),
    "risk": ("Risk", "風險點"),
    "mitigation": ("Mitigation", "應對措施"),
    "deliverable": ("Deliverable", "交付標準"),
    "budget": ("Budget", "預算"),
    "department": ("Department", "部門"),
    "week": ("Week", "周次"),
    "planned_this_week": ("Planned this week", "本周計劃任務"),
    "done": ("Done", "完成情況"),
    "reason": ("Reason", "未完成原因"),
    "results": ("Key results", "關鍵數據結果"),
    "support_needed": ("Issues and support needed", "問題描述與需支持事項"),
    "next": ("Next week", "下周計劃"),
    "adjustment": ("Adjustment", "調整措施"),
    "dimension": ("Dimension", "評估維度"),
    "target": ("Target", "目標值"),
    "actual_value": ("Actual", "實際值"),
    "achievement": ("Achievement", "達成率"),
    "analysis": ("Variance analysis", "差異分析"),
    "actions": ("Improvement", "改進措施"),
    "alerts": ("Alerts", "預警"),
    "missing_report": ("Missing weekly report", "缺少周報"),
    "lagging": ("Lagging tasks", "進度落後的任務"),
    "critical": ("Critical path", "關鍵路徑"),
    "milestone": ("Milestone", "里程碑"),
    "total": ("Total", "總預算"),
    "contingency": ("Contingency", "預備金"),
    "allocated": ("Allocated", "已分配"),
    "spent": ("Spent", "已支出"),
    "earned_value": ("Earned value", "挣值"),
    "role": ("Role", "職位"),
    "load": ("Load", "負荷"),
    "all": ("All", "全部"),
    "filter": ("Filter", "篩選"),
    "undefined": ("—", "—"),
}


class Labels:
    """``labels("status.done")`` in one locale; unknown keys show as themselves."""

    def __init__(self, locale: str):
        self.locale = locale
        self._index = 1 if locale == "zh-CN" else 0

    def __call__(self, key: str) -> str:
        pair = LABELS.get(key)
        return pair[self._index] if pair else key


def percent(value: float | None, digits: int = 0) -> str:
    """'90 %' / '54.5 %'; '—' for an undefined figure. Never rounds half to even."""
    if value is None:
        return "—"
    from ..model.figures import round_half_up

    if digits == 0:
        return f"{round_half_up(value)} %"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text} %"


def number(value: Any) -> str:
    """A plan number as written: 1300, 3.5, 120,000 with thousands separators."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"
