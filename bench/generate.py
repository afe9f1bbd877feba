#!/usr/bin/env python3
"""Synthetic plan repositories for benchmarks: deterministic, in the SPEC format, at any size.

    python bench/generate.py --tasks 10000 --out DIR [--seed N] [--findings] [--noisy] [--revision 2]
                             [--years N]

DIR receives ``plancode.yaml`` (a fixed ``as_of``), ``plans/`` (a team with departments
and people; a strategy with a three-level goal tree and a budget; one workstream file per
~100 tasks, with dependencies inside and across workstreams and milestones; 52 weekly
reports per department; four quarterly reviews), ``taskjuggler/plan.tjp`` (the same
tasks for TaskJuggler, with an HTML Gantt report) and ``bench-manifest.json`` (what was
generated and, with ``--findings``, every finding that was seeded).

The plans are valid: ``plancode check`` exits 0 on them, and the schedule is laid out so
that no warning is due either (no overlap with a predecessor, nobody overloaded, every
active task in its department's report, progress on plan). ``--findings`` seeds errors on
1 % of the tasks, a mix of codes (see SEEDED_CODES), each recorded in the manifest.
``--noisy`` makes the warnings of a real planning round, thousands at 10,000 tasks and
no error: tasks started before their predecessor ended (PC404), past tasks not finished
(PC405, with the lag and missing adjustments that follow), report entries left out
(PC602); the manifest counts what was changed.
``--years N`` makes the history N years long instead of one: the same team working N
years. ``--tasks`` is then the total over the years: the workstreams (~100 tasks a year
each), their people and departments are those of ``--tasks / N`` tasks in one year, each
workstream runs the whole strategy (N years and a half) with tasks of the usual length;
52 × N weekly reports per department, four reviews a year, ``as_of`` just after the N-th
year. So ``--tasks 8000 --years 4`` is ``--tasks 2000`` kept for four years: N times the
tasks, reports and report entries of one year, and nothing else grows — a pass over every
report × every task grows N², where one over more workstreams at one year grows N.
``--years 1`` is the default and gives the same plan files as before the option existed.
``--revision 2`` gives the same plans one planning round later (some tasks renamed,
some lane ends moved, a few tasks added): two revisions make a git history for
``plancode diff``.

The same arguments always give byte-identical files: every choice comes from a
random.Random seeded with a string of the arguments (string seeds are hashed with SHA-512,
not Python's randomised hash), and files are written in a fixed order with no date of today.
This script needs only the standard library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 1
PERIOD_START = dt.date(2024, 1, 1)  # ISO week 2024-W01 starts on this Monday; --years counts from it
WEEKS_A_YEAR = 52
LANES = 4  # parallel chains of tasks per workstream, each owned by one person
TASKS_PER_WORKSTREAM = 100  # a year: a workstream of a longer history has more
DAY = dt.timedelta(days=1)

#: codes seeded by --findings, in rotation; all are errors
SEEDED_CODES = ("PC202", "PC401", "PC402", "PC604", "PC601", "PC105", "PC407", "PC101")

DEPARTMENTS = (
    ("marketing", "市場部"), ("sales", "銷售部"), ("product", "產品部"),
    ("customer-success", "客戶成功部"), ("channel", "渠道部"), ("brand", "品牌部"),
    ("ecommerce", "電商部"), ("content", "內容部"), ("pr", "公關部"), ("data", "數據部"),
)
REGIONS = (("east", "華東"), ("south", "華南"), ("north", "華北"), ("central", "華中"),
           ("west", "西南"))
SURNAMES = (("li", "李"), ("wang", "王"), ("zhang", "張"), ("liu", "劉"), ("chen", "陳"),
            ("yang", "楊"), ("huang", "黃"), ("zhao", "趙"), ("wu", "吳"), ("zhou", "周"),
            ("xu", "徐"), ("sun", "孫"), ("ma", "馬"), ("zhu", "朱"), ("hu", "胡"), ("guo", "郭"))
GIVEN = (("wei", "偉"), ("fang", "芳"), ("min", "敏"), ("jie", "杰"), ("lei", "磊"),
         ("li", "麗"), ("qiang", "強"), ("na", "娜"), ("yang", "洋"), ("ting", "婷"),
         ("hao", "昊"), ("yu", "宇"), ("jing", "靜"), ("tao", "濤"), ("xin", "欣"))
ROLES = ("經理", "主管", "專員", "助理", "內容專員", "活動策劃", "市場專員", "渠道經理", "產品營銷")
STREAMS = (
    ("douyin-live", "抖音直播帶貨計劃", "channel"), ("xhs-notes", "小紅書種草計劃", "promotion"),
    ("store-expansion", "門店拓展計劃", "channel"), ("dealer-signing", "區域經銷商簽約計劃", "channel"),
    ("new-product", "新品上市推廣計劃", "product"), ("lead-gen", "線索獲取計劃", "promotion"),
    ("loyalty", "老客戶復購計劃", "other"), ("pricing", "價格體系優化計劃", "price"),
    ("webinar", "線上研討會計劃", "promotion"), ("kol", "KOL合作計劃", "promotion"),
)
ACTIONS = (
    ("video", "短視頻拍攝與發布", "發布短視頻5條,總播放量10萬次"),
    ("live", "直播場次執行", "完成直播1場,場均GMV3萬元"),
    ("notes", "種草筆記投放", "筆記20篇,平均點贊量1000+"),
    ("store", "合作門店簽約", "新增合作門店2家,月均銷售額5萬元"),
    ("promo", "門店促銷活動執行", "活動期間銷售額提升15%"),
    ("dealer", "經銷商洽談", "簽約區域經銷商1家"),
    ("webinar", "線上研討會舉辦", "觸達500人,轉化線索50條"),
    ("whitepaper", "行業白皮書推廣", "下載量500次,轉化線索100條"),
    ("training", "銷售團隊培訓", "培訓30人,考核通過率90%"),
    ("survey", "客戶滿意度調研", "回收問卷300份"),
    ("selection", "選品與庫存對接", "確定選品清單並鎖定庫存"),
    ("script", "直播腳本策劃", "腳本通過市場部審核"),
    ("pricing", "價格策略評審", "新價格表經管理層批准"),
    ("crm", "老客戶專屬活動", "觸達老客戶2000人"),
)
MILESTONES = (("launch", "階段成果驗收"), ("review", "里程碑評審會"), ("golive", "正式上線"))
KPIS = (  # leaf goals: a weekly rate, observed in every weekly report
    ("周有效線索", "條", 200), ("周直播GMV", "萬元", 30), ("周新增門店銷售額", "萬元", 50),
    ("周筆記互動量", "次", 8000), ("周試用申請量", "次", 400), ("周復購訂單", "單", 600),
)
RESULTS = (("銷售額", "萬元", 1300), ("線上銷售額", "萬元", 675), ("線下銷售額", "萬元", 625),
           ("新增銷售額", "萬元", 5000), ("老客戶復購率", "%", 23))
DIMENSIONS = ("銷售結果", "獲客效率", "品牌影響", "渠道覆蓋", "客戶留存")


@dataclass
class Person:
    id: str
    name: str
    department: str
    role: str
    github: str


@dataclass
class Task:
    ws: str
    id: str
    name: str
    owner: str
    start: dt.date
    end: dt.date
    milestone: bool
    lane: int
    derived_start: bool  # written as `after` + `days`, the start left to the model
    deliverable: str
    budget: int | None
    after: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    risk: tuple[str, str, str] | None = None
    # what --findings changed on it
    owner_written: str | None = None
    end_written: dt.date | None = None
    goal_written: str | None = None
    milestone_written: bool | None = None
    # what --noisy changed on it: reported and written at this share of its planned progress
    lag: float = 1.0

    @property
    def full_id(self) -> str:
        return f"{self.ws}/{self.id}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Workstream:
    id: str
    title: str
    module: str
    goal: str
    owner: str
    support: list[str]
    tasks: list[Task]


@dataclass
class Goal:
    id: str
    title: str
    owner: str
    metric: tuple[str, str, float, float]  # name, unit, baseline, target
    level: int
    support: list[str]
    children: list["Goal"] = field(default_factory=list)
    budget: int = 0
    priority: str = "high"
    type: str = "result"


@dataclass
class Entry:
    task: str
    planned: str
    done: str
    progress: int
    spent: int | None
    next: str
    results: tuple[str, int] | None = None
    reason: str | None = None


def planned_progress(task: Task, day: dt.date) -> float:
    """SPEC §2: clamp((D − start + 1) / duration × 100, 0, 100)."""
    return min(max((day - task.start).days + 1, 0) / task.days * 100, 100.0)


@dataclass(frozen=True)
class History:
    """How long the plans have been kept: ``years`` × 52 weekly reports from 2024-W01."""

    years: int = 1

    @property
    def weeks(self) -> int:
        return WEEKS_A_YEAR * self.years

    @property
    def as_of(self) -> dt.date:
        """The Tuesday after the last reported week: every reported week has ended
        (2024-12-31 for one year)."""
        return monday(self.weeks) + 8 * DAY

    @property
    def period_end(self) -> dt.date:
        """Half a year after the last one: a third of the work (one year) is still ahead."""
        return dt.date(PERIOD_START.year + self.years, 6, 30)

    @property
    def quarters(self) -> list[tuple[int, int]]:
        return [(PERIOD_START.year + y, q) for y in range(self.years) for q in range(1, 5)]


def monday(week: int) -> dt.date:
    """The Monday of report week ``week`` (1 = 2024-W01), counting on across years."""
    return PERIOD_START + (week - 1) * 7 * DAY


def week_label(week: int) -> str:
    year, number, _ = monday(week).isocalendar()
    return f"{year}-W{number:02d}"


def pinyin_id(rng: random.Random, taken: set[str]) -> tuple[str, str, str]:
    """A person id like `li.wei.12`, their Chinese name and a GitHub handle."""
    while True:
        (sp, sc), (gp, gc) = rng.choice(SURNAMES), rng.choice(GIVEN)
        number = rng.randrange(1, 1000)
        ident = f"{sp}.{gp}.{number}"
        if ident not in taken:
            taken.add(ident)
            return ident, sc + gc, f"{sp}{gp}{number}"


class Generator:
    def __init__(self, tasks: int, seed: int, findings: bool, revision: int, noisy: bool = False,
                 years: int = 1):
        if tasks < 1:
            raise ValueError("--tasks must be at least 1")
        if years < 1:
            raise ValueError("--years must be at least 1")
        self.history = History(years)
        self.as_of, self.period_end, self.weeks = self.history.as_of, self.history.period_end, self.history.weeks
        self.n = tasks
        self.seed = seed
        self.findings = findings
        self.noisy = noisy
        self.noise: dict[str, int] = {}
        self.revision = revision
        self.rng = random.Random(f"plancode-bench/{seed}/{tasks}")
        self.files: dict[str, str] = {}
        self.seeded: list[dict[str, str]] = []

    def workstream_count(self) -> int:
        """One per ~100 tasks a year: a longer history has the same team, not a larger one."""
        return max(1, math.ceil(self.n / (TASKS_PER_WORKSTREAM * self.history.years)))

    # --- the organisation -------------------------------------------------------------------
    def make_team(self) -> None:
        workstreams = self.workstream_count()
        lanes = workstreams * LANES
        self.lane_owner_count = max(3, math.ceil(lanes / 2))  # everyone owns two lanes
        count = max(3, min(len(DEPARTMENTS) * len(REGIONS), self.lane_owner_count // 20))
        self.departments: list[tuple[str, str]] = []
        for i in range(count):
            base_id, base_name = DEPARTMENTS[i % len(DEPARTMENTS)]
            if i < len(DEPARTMENTS):
                self.departments.append((base_id, base_name))
            else:
                region_id, region_name = REGIONS[i // len(DEPARTMENTS) - 1]
                self.departments.append((f"{region_id}-{base_id}", region_name + base_name))
        taken: set[str] = set()
        self.people: list[Person] = []
        for i in range(self.lane_owner_count):
            ident, name, github = pinyin_id(self.rng, taken)
            dept = self.departments[i % count][0]
            role = "經理" if i < count else self.rng.choice(ROLES)
            self.people.append(Person(ident, name, dept, role, github))
        self.by_department = {d: [p for p in self.people if p.department == d] for d, _ in self.departments}
        self.lead = {d: members[0].id for d, members in self.by_department.items()}
        self.person = {p.id: p for p in self.people}

    # --- the work -----------------------------------------------------------------------------
    def make_workstreams(self) -> None:
        count = self.workstream_count()
        sizes = [self.n // count + (1 if i < self.n % count else 0) for i in range(count)]
        self.workstreams: list[Workstream] = []
        self.leaf_count = max(1, math.ceil(count / 2))
        for w, size in enumerate(sizes):
            slug, title, module = STREAMS[w % len(STREAMS)]
            ws_id = f"{slug}-{w + 1:04d}"
            lane_owners = [self.people[(w * LANES + lane) // 2 % len(self.people)].id for lane in range(LANES)]
            owner_dept = self.person[lane_owners[0]].department
            support = sorted({self.person[o].department for o in lane_owners} - {owner_dept})
            ws = Workstream(ws_id, f"{title}({w + 1})", module, f"goal-l3-{w // 2 + 1:04d}",
                            lane_owners[0], support, [])
            per_lane = [size // LANES + (1 if lane < size % LANES else 0) for lane in range(LANES)]
            number = 0
            for lane, length in enumerate(per_lane):
                if length:
                    number = self._lane(ws, lane, length, lane_owners[lane], number)
            ws.tasks.sort(key=lambda t: (t.start, t.lane, t.id))
            self.workstreams.append(ws)
        self._cross_dependencies()

    def _lane(self, ws: Workstream, lane: int, length: int, owner: str, number: int) -> int:
        """One chain of tasks, each after the previous, filling the period."""
        rng = self.rng
        start = PERIOD_START + rng.randrange(0, 15) * DAY
        span = (self.period_end - start).days + 1 - rng.randrange(0, 20)
        kinds = ["milestone" if (i + 1) % 8 == 0 else "task" for i in range(length)]
        gaps = [rng.randrange(1, 4) for _ in range(length)]
        free = span - sum(gaps) - kinds.count("milestone")
        weights = [rng.uniform(0.6, 1.4) if k == "task" else 0 for k in kinds]
        scale = free / sum(weights) if sum(weights) else 0
        previous: Task | None = None
        # Days lost to whole days and to the gaps (set aside in `free`, only partly used)
        # are carried to the next task in a history of several years: a lane of hundreds
        # of tasks would otherwise end months early, with no task still ahead. (One year
        # keeps its files as they were: its lanes end about six weeks early.)
        carry = 0.0
        long_lane = self.history.years > 1
        for i, kind in enumerate(kinds):
            number += 1
            derived = kind == "task" and previous is not None and i % 5 == 4
            if previous is not None:
                step = 1 if derived else gaps[i]
                start = previous.end + step * DAY
                if long_lane:  # `free` set gaps[i] days aside; the step leaves step - 1 free
                    carry += gaps[i] - step + 1
            if kind == "milestone":
                slug, name = MILESTONES[number % len(MILESTONES)]
                days, deliverable, budget = 1, f"{name}通過", None
            else:
                slug, name, deliverable = ACTIONS[rng.randrange(len(ACTIONS))]
                exact = weights[i] * scale + carry
                days = max(2, int(exact))
                if long_lane:
                    carry = exact - days
                budget = rng.randrange(2, 41) * 500
            task = Task(
                ws=ws.id, id=f"{slug}-{number:03d}", name=f"{name}(第{number}項)", owner=owner,
                start=start, end=start + (days - 1) * DAY, milestone=kind == "milestone",
                lane=lane, derived_start=derived, deliverable=deliverable, budget=budget,
            )
            if previous is not None:
                task.after.append(previous.id)
            if rng.random() < 0.3:
                task.support = sorted(rng.sample([d for d, _ in self.departments], 1))
            if rng.random() < 0.1:
                task.risk = ("檔期沖突" if rng.random() < 0.5 else "預算超支",
                             "提前鎖定資源並準備備選方案", owner)
            ws.tasks.append(task)
            previous = task
        return number

    def _cross_dependencies(self) -> None:
        """Task 12 of lane 1 in each workstream also waits for the task of the previous
        workstream's lane 1 that ends last before it starts (dependencies across files)."""
        for before, ws in zip(self.workstreams, self.workstreams[1:]):
            lane = [t for t in ws.tasks if t.lane == 1 and not t.derived_start]
            if len(lane) < 12:
                continue
            task = sorted(lane, key=lambda t: t.start)[11]
            candidates = [t for t in before.tasks if t.lane == 1 and t.end < task.start]
            if candidates:
                target = max(candidates, key=lambda t: (t.end, t.id))
                task.after.append(target.full_id)

    # --- goals and budget ---------------------------------------------------------------------
    def make_goals(self) -> None:
        rng = self.rng
        leaves_by_ws: dict[str, list[Workstream]] = {}
        for ws in self.workstreams:
            leaves_by_ws.setdefault(ws.goal, []).append(ws)
        leaves = []
        for k, (goal_id, streams) in enumerate(leaves_by_ws.items()):
            name, unit, target = KPIS[k % len(KPIS)]
            owner = streams[0].owner
            spend = sum(t.budget or 0 for ws in streams for t in ws.tasks)
            leaves.append(Goal(
                goal_id, f"{name}達到{target}{unit}({k + 1})", owner,
                (name, unit, round(target * 0.8), target), 3,
                sorted({d for ws in streams for d in ws.support})[:2],
                budget=_round_up(spend * 1.05, 1000), priority=rng.choice(("high", "medium")),
                type="process",
            ))
        middle = []
        for j in range(math.ceil(len(leaves) / 5)):
            children = leaves[j * 5:(j + 1) * 5]
            name, unit, target = RESULTS[j % len(RESULTS)]
            middle.append(Goal(
                f"goal-l2-{j + 1:04d}", f"{name}提升至{target}{unit}({j + 1})", children[0].owner,
                (name, unit, round(target * 0.8), target), 2, [],
                children=children, budget=_round_up(sum(c.budget for c in children) * 1.05, 1000),
            ))
        self.goals = []
        for i in range(math.ceil(len(middle) / 4)):
            children = middle[i * 4:(i + 1) * 4]
            name, unit, target = RESULTS[i % len(RESULTS)]
            self.goals.append(Goal(
                f"goal-l1-{i + 1:04d}", f"年度{name}提升30%({i + 1})", self.people[0].id,
                (name, unit, round(target / 1.3), target), 1, [d for d, _ in self.departments[:2]],
                children=children, budget=_round_up(sum(c.budget for c in children) * 1.05, 1000),
            ))
        self.leaves, self.middle = leaves, middle
        self.total_budget = _round_up(sum(g.budget for g in self.goals) / 0.88 * 1.02, 10000)

    # --- reports --------------------------------------------------------------------------------
    def make_reports(self) -> None:
        """Every department, every week of the history: each of its tasks running that week, at
        its planned progress (the last week at as_of, so nobody lags)."""
        rng = self.rng
        tasks_by_department: dict[str, list[Task]] = {d: [] for d, _ in self.departments}
        for ws in self.workstreams:
            for task in ws.tasks:
                tasks_by_department[self.person[task.owner].department].append(task)
        leaves_by_department: dict[str, list[Goal]] = {d: [] for d, _ in self.departments}
        for goal in self.leaves:
            leaves_by_department[self.person[goal.owner].department].append(goal)
        self.reports: dict[tuple[int, str], list[Entry]] = {}
        self.report_metrics: dict[tuple[int, str], list[tuple[str, int]]] = {}
        spent_so_far: dict[str, int] = {}
        for week in range(1, self.weeks + 1):
            first, last = monday(week), monday(week) + 6 * DAY
            seen_at = self.as_of if week == self.weeks else last
            for dept, _ in self.departments:
                entries = []
                for task in tasks_by_department[dept]:
                    if task.start > last or task.end < first:
                        continue
                    progress = math.floor(planned_progress(task, seen_at) * task.lag)
                    spent = rng.randrange(1, 20) * 100 if task.budget and rng.random() < 0.5 else None
                    if spent is not None:  # never above the task's budget (PC504)
                        spent = min(spent, task.budget - spent_so_far.get(task.full_id, 0)) or None
                        spent_so_far[task.full_id] = spent_so_far.get(task.full_id, 0) + (spent or 0)
                    entries.append(Entry(
                        task.full_id, f"推進{task.name}", "yes", progress, spent,
                        "完成收尾並提交交付物" if progress >= 100 else f"繼續推進{task.name}",
                        ("觸達人數", rng.randrange(100, 5000)) if rng.random() < 0.3 else None,
                    ))
                self.reports[week, dept] = entries
                self.report_metrics[week, dept] = [
                    (g.id, round(g.metric[3] * rng.uniform(0.94, 1.06)))
                    for g in leaves_by_department[dept]
                ]

    # --- --noisy ------------------------------------------------------------------------------
    def make_late_starts(self) -> None:
        """One task in eight that follows another in its lane starts 1-3 days before that
        one ends (PC404; its owner then runs three tasks at once for a while); one past task
        in eight is behind: written and reported at 40-90 % of its planned progress (PC405
        overdue, and what tracking says of a late task). Before the reports are made, which
        follow the changed dates and progress."""
        rng = random.Random(f"plancode-bench-noise/{self.seed}/{self.n}")
        self.noise = {"starts before its predecessor ends": 0, "behind plan": 0,
                      "report entries left out": 0}
        for ws in self.workstreams:
            by_id = {t.id: t for t in ws.tasks}
            for task in ws.tasks:
                before = by_id.get(task.after[0]) if task.after else None
                if (before is not None and not task.derived_start and not task.milestone
                        and rng.random() < 0.125):
                    task.start = min(before.end - rng.randrange(0, 3) * DAY, task.end)
                    self.noise["starts before its predecessor ends"] += 1
                if task.end < self.as_of and task.start > PERIOD_START + 14 * DAY and rng.random() < 0.125:
                    task.lag = rng.uniform(0.4, 0.9)
                    self.noise["behind plan"] += 1

    def leave_out_entries(self) -> None:
        """One report entry in ten left out (PC602: a task running that week, not reported)."""
        rng = random.Random(f"plancode-bench-noise-entries/{self.seed}/{self.n}")
        for key in sorted(self.reports):
            entries = self.reports[key]
            kept = [e for e in entries if rng.random() >= 0.1]
            self.noise["report entries left out"] += len(entries) - len(kept)
            entries[:] = kept

    # --- --findings -------------------------------------------------------------------------
    def seed_findings(self) -> None:
        rng = random.Random(f"plancode-bench-findings/{self.seed}/{self.n}")
        count = max(len(SEEDED_CODES), round(self.n / 100))
        all_tasks = [t for ws in self.workstreams for t in ws.tasks]
        # Seeds on tasks that no report mentions and nothing depends on, so that each
        # finding stands alone (an invalid report drops every entry it holds).
        referenced = {ref for t in all_tasks for ref in t.after if "/" in ref}
        future = [t for t in all_tasks if t.start > self.as_of and not t.derived_start
                  and t.full_id not in referenced]
        rng.shuffle(future)
        # below ~100 tasks there are too few future tasks: others are taken, and a seeded
        # error may then bring a second finding with it
        in_future = {t.full_id for t in future}
        others = [t for t in all_tasks if t.full_id not in in_future and not t.derived_start]
        free_tasks = iter(sorted(future[:count * 2], key=lambda t: t.full_id) + others)
        reports = [key for key, entries in sorted(self.reports.items()) if entries and key[0] < self.weeks]
        rng.shuffle(reports)
        free_reports = iter(reports)
        # A schema violation makes its whole file unusable: it goes in a review row of Q1-Q3,
        # which nothing else depends on (Q4's review gives the goals their actuals).
        rows = len(self.goals) + len(self.middle) + 1
        review_rows = [(quarter, row) for quarter in (1, 2, 3) for row in range(rows)]
        rng.shuffle(review_rows)
        free_review_rows = iter(review_rows)
        self.review_typos: set[tuple[int, int]] = set()
        for i in range(count):
            code = SEEDED_CODES[i % len(SEEDED_CODES)]
            try:
                self._seed(i, code, rng, free_tasks, free_reports, free_review_rows)
            except StopIteration:  # nothing left to seed this code on: a tiny repository
                continue

    def _seed(self, i: int, code: str, rng: random.Random, free_tasks, free_reports,
              free_review_rows) -> None:
        """Seed one finding of ``code``; StopIteration when there is nowhere left to put it."""
        if code == "PC101":
            quarter, row = next(free_review_rows)
            self.review_typos.add((quarter, row))
            self.seeded.append({"code": code, "path": f"plans/2024/reviews/2024-Q{quarter}.yaml"})
        elif code in ("PC604", "PC601"):
            week, dept = next(free_reports)
            entries = self.reports[week, dept]
            if code == "PC604":
                entries[rng.randrange(len(entries))].done = "partial"  # and no reason
            else:
                ws = self.workstreams[rng.randrange(len(self.workstreams))]
                entries.append(Entry(f"{ws.id}/no-such-task-{i + 1:04d}", "跟進未登記的任務",
                                     "yes", 100, None, "無"))
            self.seeded.append({"code": code, "path": report_path(week, dept)})
        else:
            task = next(free_tasks)
            if code == "PC202":
                task.owner_written = f"ghost.{i + 1:04d}"
            elif code == "PC401":
                task.end_written = task.start - 2 * DAY
            elif code == "PC402":
                task.after.append(f"no-such-task-{i + 1:04d}")
            elif code == "PC105":
                task.goal_written = f"no-such-goal-{i + 1:04d}"
            elif code == "PC407":
                # a long history has many more tasks ahead: one that is a task already
                # (a milestone made two days long may run into its successor: PC404 too)
                while self.history.years > 1 and (task.milestone or task.days < 2):
                    task = next(free_tasks)
                if task.milestone or task.days < 2:
                    task.end_written = task.start + DAY
                task.milestone_written = True
            self.seeded.append({"code": code, "path": workstream_path(task.ws), "task": task.full_id})

    # --- revision 2 ---------------------------------------------------------------------------
    def revise(self) -> None:
        """One planning round later: 2 % of tasks renamed, the last task of one lane in 20
        moved two days later, one task added to every tenth workstream."""
        rng = random.Random(f"plancode-bench-revision/{self.seed}/{self.n}")
        self.revised = {"renamed": 0, "moved": 0, "added": 0}
        for w, ws in enumerate(self.workstreams):
            for task in ws.tasks:
                if rng.random() < 0.02:
                    task.name += "(調整)"
                    self.revised["renamed"] += 1
            for lane in range(LANES):
                lane_tasks = [t for t in ws.tasks if t.lane == lane]
                if lane_tasks and rng.random() < 0.05:
                    last = max(lane_tasks, key=lambda t: t.start)
                    if last.end + 2 * DAY <= self.period_end:
                        last.end += 2 * DAY
                        self.revised["moved"] += 1
            if w % 10 == 0 and ws.tasks:
                last = max(ws.tasks, key=lambda t: (t.end, t.id))
                if last.end + 3 * DAY <= self.period_end:
                    ws.tasks.append(Task(
                        ws=ws.id, id=f"wrap-up-{len(ws.tasks) + 1:03d}", name="項目總結復盤",
                        owner=last.owner, start=last.end + DAY, end=last.end + 2 * DAY,
                        milestone=False, lane=last.lane, derived_start=False,
                        deliverable="復盤報告經部門經理確認", budget=1000, after=[last.id],
                    ))
                    self.revised["added"] += 1

    # --- writing --------------------------------------------------------------------------------
    def render(self) -> None:
        self.files["plancode.yaml"] = (
            "# yaml-language-server: $schema=schema/config.schema.json\n"
            f"title: 基準測試計劃({self.n}項任務)\n"
            "locale: zh-CN\n"
            "plans: plans\n"
            f"as_of: {self.as_of.isoformat()}\n"
            "thresholds: {kpi_deviation: 10, schedule_lag: 10, contingency: [10, 15], growth_cap: 100}\n"
        )
        self._team()
        self._strategy()
        for ws in self.workstreams:
            self._workstream(ws)
        for (week, dept), entries in sorted(self.reports.items()):
            self._report(week, dept, entries)
        for year, quarter in self.history.quarters:
            self._review(year, quarter)
        self.files["taskjuggler/plan.tjp"] = self._taskjuggler()

    def _team(self) -> None:
        lines = ["# yaml-language-server: $schema=../schema/team.schema.json", "kind: team",
                 "version: 1", "departments:"]
        for dept, name in self.departments:
            lines.append(f"  - {{id: {dept}, name: {name}, lead: {self.lead[dept]}}}")
        lines.append("people:")
        for p in self.people:
            lines.append(f"  - {{id: {p.id}, name: {p.name}, department: {p.department}, "
                         f"role: {p.role}, github: {p.github}}}")
        self.files["plans/team.yaml"] = "\n".join(lines) + "\n"

    def _strategy(self) -> None:
        lines = [
            "# yaml-language-server: $schema=../../schema/strategy.schema.json",
            "kind: strategy", "version: 1", "id: fy2024-bench",
            f"title: {PERIOD_START.year}-{self.period_end.year} 年度營銷策略(基準測試,{self.n}項任務)",
            f"period: {{start: {PERIOD_START.isoformat()}, end: {self.period_end.isoformat()}}}",
            f"owner: {self.people[0].id}",
            f"budget: {{total: {self.total_budget}, currency: CNY, contingency: 12,",
            "         allocation: {promotion: 40, channel: 30, training: 10}}",
            "themes: {Q1: 啟動, Q2: 推進, Q3: 衝刺, Q4: 復盤}",
            "goals:",
        ]

        def goal(g: Goal, indent: str) -> None:
            name, unit, baseline, target = g.metric
            lines.extend([
                f"{indent}- id: {g.id}",
                f"{indent}  title: {g.title}",
                f"{indent}  owner: {g.owner}",
                f"{indent}  metric: {{name: {name}, unit: '{unit}', baseline: {baseline}, target: {target}}}",
                f"{indent}  due: {self.period_end.isoformat()}",
                f"{indent}  priority: {g.priority}",
                f"{indent}  type: {g.type}",
            ])
            if g.support:
                lines.append(f"{indent}  support: [{', '.join(g.support)}]")
            lines.append(f"{indent}  budget: {g.budget}")
            if g.children:
                lines.append(f"{indent}  goals:")
                for child in g.children:
                    goal(child, indent + "    ")

        for g in self.goals:
            goal(g, "  ")
        self.files["plans/2024/strategy.yaml"] = "\n".join(lines) + "\n"

    def _workstream(self, ws: Workstream) -> None:
        lines = [
            "# yaml-language-server: $schema=../../../schema/workstream.schema.json",
            "kind: workstream", "version: 1", f"id: {ws.id}", f"title: {ws.title}",
            f"goal: {ws.goal}", f"owner: {ws.owner}", f"module: {ws.module}",
            f"description: {ws.title}的全部任務,共{len(ws.tasks)}項,分{LANES}條並行工作線。",
            "tasks:",
        ]
        for t in ws.tasks:
            lines += [f"  - id: {t.id}", f"    name: {t.name}", f"    owner: {t.owner_written or t.owner}"]
            if t.goal_written:
                lines.append(f"    goal: {t.goal_written}")
            if t.after:
                lines.append(f"    after: [{', '.join(t.after)}]")
            if t.milestone or t.milestone_written:
                lines.append("    milestone: true")
            if t.derived_start:
                lines.append(f"    days: {t.days}")
            else:
                lines.append(f"    start: {t.start.isoformat()}")
                lines.append(f"    end: {(t.end_written or t.end).isoformat()}")
            progress = math.floor(planned_progress(t, self.as_of) * t.lag)
            if progress:
                lines.append(f"    progress: {progress}")
            lines.append(f"    deliverable: {t.deliverable}")
            if t.budget:
                lines.append(f"    budget: {t.budget}")
            if t.support:
                lines.append(f"    support: [{', '.join(t.support)}]")
            if t.risk:
                lines.append(f"    risks: [{{risk: {t.risk[0]}, mitigation: {t.risk[1]}, owner: {t.risk[2]}}}]")
        self.files[workstream_path(ws.id)] = "\n".join(lines) + "\n"

    def _report(self, week: int, dept: str, entries: list[Entry]) -> None:
        lines = [
            "# yaml-language-server: $schema=../../../schema/report.schema.json",
            "kind: report", "version: 1", f"week: {week_label(week)}", f"department: {dept}",
            f"author: {self.lead[dept]}",
        ]
        lines.append("entries:" if entries else "entries: []")
        for e in entries:
            lines += [f"  - task: {e.task}", f"    planned: {e.planned}", f"    done: {e.done}",
                      f"    progress: {e.progress}"]
            if e.reason:
                lines.append(f"    reason: {e.reason}")
            if e.results:
                lines.append(f"    results: {{{e.results[0]}: {e.results[1]}}}")
            if e.spent is not None:
                lines.append(f"    spent: {e.spent}")
            lines.append(f"    next: {e.next}")
        metrics = self.report_metrics[week, dept]
        if metrics:
            lines.append("metrics:")
            lines += [f"  - {{goal: {goal}, value: {value}}}" for goal, value in metrics]
        self.files[report_path(week, dept)] = "\n".join(lines) + "\n"

    def _review(self, year: int, quarter: int) -> None:
        # the first year's keys are those from before --years: the same files
        key = quarter if year == PERIOD_START.year else f"{year}-Q{quarter}"
        rng = random.Random(f"plancode-bench-review/{self.seed}/{self.n}/{key}")
        # the seeded schema violations (PC101) all go in the first year's reviews
        typos = getattr(self, "review_typos", set()) if year == PERIOD_START.year else set()
        lines = [
            "# yaml-language-server: $schema=../../../schema/review.schema.json",
            "kind: review", "version: 1", f"period: {year}-Q{quarter}",
            f"title: {year}年第{quarter}季度營銷效果評估", f"owner: {self.people[0].id}", "rows:",
        ]
        for k, g in enumerate(self.goals + self.middle):
            name, unit, _, target = g.metric
            actual = round(target * rng.uniform(0.93, 1.07), 1)
            lines += [
                f"  - dimension: {DIMENSIONS[k % len(DIMENSIONS)]}",
                f"    metric: {name}", f"    unit: '{unit}'", f"    goal: {g.id}",
                f"    target: {target}", f"    actual: {actual}",
                f"    {'analysys' if (quarter, k) in typos else 'analysis'}: 線上直播帶貨與門店促銷共同拉動",
                "    actions: 增加直播場次,優化選品策略",
                f"    owner: {g.owner}",
            ]
        cac = len(self.goals) + len(self.middle)
        lines += ["  - dimension: 獲客效率", "    metric: 新客獲客成本(CAC)", "    unit: 元/人",
                  "    target: 50", f"    actual: {rng.randrange(47, 53)}", "    direction: down",
                  f"    {'analysys' if (quarter, cac) in typos else 'analysis'}: 小紅書種草轉化率提升",
                  "    actions: 擴大KOL合作范圍",
                  f"    owner: {self.people[0].id}"]
        self.files[f"plans/{year}/reviews/{year}-Q{quarter}.yaml"] = "\n".join(lines) + "\n"

    def _taskjuggler(self) -> str:
        """The same tasks, durations and dependencies for TaskJuggler 3, with owners as
        `responsible` (no resource levelling, as plancode does none) and an HTML report
        with a Gantt chart column."""

        def tj(ident: str) -> str:
            return "x" + "".join(c if c.isalnum() else "_" for c in ident)

        lines = [
            f'project bench "Benchmark plan ({self.n} tasks)" {PERIOD_START.isoformat()} - '
            f"{(self.period_end + DAY).isoformat()} {{",
            '  timezone "UTC"', f"  now {self.as_of.isoformat()}", '  currency "CNY"', "}",
            "",
        ]
        for dept, name in self.departments:
            lines.append(f'resource {tj(dept)} "{name}" {{')
            for p in self.by_department[dept]:
                lines.append(f'  resource {tj(p.id)} "{p.name}"')
            lines.append("}")
        for ws in self.workstreams:
            lines.append(f'task {tj(ws.id)} "{ws.title}" {{')
            by_id = {t.id: t for t in ws.tasks}
            for t in ws.tasks:
                lines.append(f'  task {tj(t.id)} "{t.name}" {{')
                deps = []
                for ref in t.after:
                    if "/" in ref:
                        other_ws, other = ref.split("/")
                        deps.append(f"{tj(other_ws)}.{tj(other)}")
                    elif ref in by_id:  # the gap keeps TaskJuggler's dates equal to ours
                        gap = (t.start - by_id[ref].end).days - 1
                        deps.append(f"{tj(ws.id)}.{tj(ref)}" + (f" {{ gapduration {gap}d }}" if gap > 0 else ""))
                if deps:
                    lines.append(f"    depends {', '.join(deps)}")
                else:
                    lines.append(f"    start {t.start.isoformat()}")
                if t.milestone:
                    lines.append("    milestone")
                else:
                    lines.append(f"    duration {t.days}d")
                lines.append(f"    complete {math.floor(planned_progress(t, self.as_of))}")
                lines.append(f"    responsible {tj(t.owner)}")
                lines.append("  }")
            lines.append("}")
        lines += [
            "",
            'taskreport gantt "gantt" {',
            "  formats html",
            "  headline \"Gantt\"",
            "  columns bsi, name, start, end, complete, chart",
            "  timeformat \"%Y-%m-%d\"",
            "}",
        ]
        return "\n".join(lines) + "\n"

    def manifest(self) -> str:
        kinds: dict[str, int] = {}
        for path in self.files:
            if path.startswith("plans/"):
                kind = path.split("/")[2] if path.count("/") >= 3 else path.split("/")[-1].split(".")[0]
                kinds[kind] = kinds.get(kind, 0) + 1
        data = {
            "generator": GENERATOR_VERSION, "tasks": sum(len(ws.tasks) for ws in self.workstreams),
            "requested_tasks": self.n, "seed": self.seed, "revision": self.revision,
            "findings": self.findings, "noisy": self.noise, "as_of": self.as_of.isoformat(),
            "years": self.history.years, "weeks": self.weeks,
            "workstreams": len(self.workstreams), "departments": len(self.departments),
            "people": len(self.people), "goals": len(self.goals) + len(self.middle) + len(self.leaves),
            "reports": len(self.reports),
            "report_entries": sum(len(e) for e in self.reports.values()),
            "files": kinds, "seeded": self.seeded,
        }
        if self.revision == 2:
            data["revised"] = self.revised
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def run(self) -> dict[str, str]:
        self.make_team()
        self.make_workstreams()
        self.make_goals()
        if self.noisy:
            self.make_late_starts()
        self.make_reports()
        if self.noisy:
            self.leave_out_entries()
        if self.findings:
            self.seed_findings()
        if self.revision == 2:
            self.revise()
        self.render()
        self.files["bench-manifest.json"] = self.manifest()
        return self.files


def workstream_path(ws_id: str) -> str:
    return f"plans/2024/workstreams/{ws_id}.yaml"


def report_path(week: int, dept: str) -> str:
    """plans/YEAR/reports/YEAR-Www-DEPT.yaml, in the ISO year of the week."""
    label = week_label(week)
    return f"plans/{label[:4]}/reports/{label}-{dept}.yaml"


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def with_year_features(files: dict[str, str]) -> dict[str, str]:
    """The same repository using SPEC §5: a CN working-day calendar, `aggregate: sum` on
    every goal metric, a lag on the first link of each task, one task in 20 recurring
    weekly, and an `actual:` on one report entry in 5 (bench rows "§5")."""
    out = dict(files)
    out["plancode.yaml"] += "calendar: {workweek: [mon, tue, wed, thu, fri], holidays: CN}\n"
    count = 0
    for name, text in files.items():
        if not name.endswith(".yaml") or name == "plancode.yaml":
            continue
        lines = []
        for line in text.split("\n"):
            if "  metric: {name:" in line and "aggregate" not in line:
                line = line[:-1] + ", aggregate: sum}"
            elif line.startswith("    after: ["):
                first, _, rest = line[len("    after: ["):].partition(", ")
                line = "    after: [{task: " + first.rstrip("]") + ", lag: 1}" + (", " + rest if rest else "]")
            elif line.startswith("    deliverable:") and "/workstreams/" in name:
                count += 1
                if count % 20 == 0:
                    lines.append("    repeat: weekly")
            elif line.startswith("    progress:") and "/reports/" in name:
                count += 1
                if count % 5 == 0:
                    lines.append("    actual: 3")
            lines.append(line)
        out[name] = "\n".join(lines)
    return out


def generate(tasks: int, out: Path, seed: int = 1, findings: bool = False, revision: int = 1,
             year: bool = False, noisy: bool = False, years: int = 1) -> dict:
    """Write the repository into ``out`` (its plans/ and taskjuggler/ folders are replaced)
    and return the manifest."""
    files = Generator(tasks, seed, findings, revision, noisy, years).run()
    if year:
        files = with_year_features(files)
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("plans", "taskjuggler"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return json.loads(files["bench-manifest.json"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, required=True, help="number of tasks (1k, 10k, 100k…)")
    parser.add_argument("--out", type=Path, required=True, help="directory of the plan repository")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--findings", action="store_true",
                        help="seed errors on 1 %% of the tasks (codes: " + ", ".join(SEEDED_CODES) + ")")
    parser.add_argument("--noisy", action="store_true",
                        help="the warnings of a real planning round: late starts, late tasks, "
                             "report entries left out (thousands at 10,000 tasks, no error)")
    parser.add_argument("--revision", type=int, choices=(1, 2), default=1,
                        help="2: the same plans one planning round later (for diff benchmarks)")
    parser.add_argument("--year", action="store_true",
                        help="use SPEC §5: calendar, aggregate, lags, recurring tasks, actuals")
    parser.add_argument("--years", type=int, default=1,
                        help="the same team over N years of weekly reports: --tasks is the total (default 1)")
    args = parser.parse_args(argv)
    if args.tasks < 1:
        parser.error("--tasks must be at least 1")
    if args.years < 1:
        parser.error("--years must be at least 1")
    manifest = generate(args.tasks, args.out, args.seed, args.findings, args.revision, args.year,
                        args.noisy, args.years)
    print(f"{args.out}: {manifest['tasks']} tasks in {manifest['workstreams']} workstreams, "
          f"{manifest['reports']} reports ({manifest['report_entries']} entries over "
          f"{manifest['years']} year{'s' * (manifest['years'] > 1)}), {manifest['people']} people, "
          f"{len(manifest['seeded'])} seeded findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
