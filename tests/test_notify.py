"""``plancode notify`` (SPEC §5.6) against a real HTTP server on 127.0.0.1 that checks
each chat's format and signature the way the chat would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import TEAM

SECRET = "SECabc123-test-secret"

TEAM_WITH_CHAT_IDS = TEAM.replace(
    "{id: li.wei, name: 李偉, department: marketing, role: 經理}",
    "{id: li.wei, name: 李偉, department: marketing, role: 經理, dingtalk: ding-liwei, feishu: ou_liwei, "
    "wecom: liwei, slack: U0LIWEI}",
)

WORKSTREAM = """\
kind: workstream
id: live
title: 抖音直播
goal: online-up-35
owner: li.wei
tasks:
  - id: account
    name: 直播賬號搭建
    owner: li.wei
    start: 2024-06-01
    end: 2024-06-10
    progress: 60
    deliverable: 賬號完成企業認證
  - id: stores
    name: 拓展門店
    owner: wang.fang
    start: 2024-06-01
    end: 2024-06-12
    progress: 50
    deliverable: 5 家門店
  - id: quiet
    name: 已完成的任務
    owner: chen.jie
    start: 2024-06-01
    end: 2024-06-05
    progress: 100
    deliverable: 完成
"""


class Chat(BaseHTTPRequestHandler):
    """Records each POST; answers like the robots (errcode 0), or 500 when told to."""

    received: list[dict] = []
    fail = False

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length).decode("utf-8"))
        Chat.received.append({"path": self.path, "body": body, "type": self.headers["Content-Type"]})
        self.send_response(500 if Chat.fail else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def chat():
    Chat.received, Chat.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), Chat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=tok"
    server.shutdown()
    server.server_close()


@pytest.fixture
def plans(base_repo):
    base_repo.write("plans/team.yaml", TEAM_WITH_CHAT_IDS)
    base_repo.write("plans/live.yaml", WORKSTREAM)
    return base_repo


def notify(repo, monkeypatch, url, *args, secret=SECRET):
    monkeypatch.setenv("PLANCODE_WEBHOOK_URL", url)
    if secret:
        monkeypatch.setenv("PLANCODE_WEBHOOK_SECRET", secret)
    else:
        monkeypatch.delenv("PLANCODE_WEBHOOK_SECRET", raising=False)
    return repo.run("notify", *args)


def test_dingtalk_is_signed_and_mentions_the_owner_once_per_department(plans, chat, monkeypatch):
    before = int(time.time() * 1000)
    result = notify(plans, monkeypatch, chat, "--channel", "dingtalk")
    assert result.exit_code == 0, result.output
    assert result.output == "sent 2 messages to dingtalk\n"
    assert len(Chat.received) == 2  # marketing (li.wei) and sales (wang.fang)
    for request in Chat.received:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
        assert query["access_token"] == ["tok"]
        timestamp = query["timestamp"][0]
        assert before <= int(timestamp) <= int(time.time() * 1000)
        expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        assert query["sign"] == [expected]  # parse_qs undid the urlencoding
        assert request["body"]["msgtype"] == "markdown"
        assert request["type"].startswith("application/json")
    marketing, sales = sorted(Chat.received, key=lambda r: r["body"]["markdown"]["title"])
    assert "市場部" in marketing["body"]["markdown"]["title"]
    assert marketing["body"]["at"] == {"atUserIds": ["ding-liwei"], "isAtAll": False}
    assert "李偉 @ding-liwei" in marketing["body"]["markdown"]["text"]
    assert "PC405" in marketing["body"]["markdown"]["text"] and "直播賬號搭建" in marketing["body"]["markdown"]["text"]
    assert sales["body"]["at"]["atUserIds"] == []  # 王芳 has no DingTalk id: named, not mentioned
    assert "王芳" in sales["body"]["markdown"]["text"] and "拓展門店" in sales["body"]["markdown"]["text"]
    assert "已完成的任務" not in json.dumps(Chat.received, ensure_ascii=False)


def test_feishu_signs_in_the_body_and_mentions_with_at(plans, chat, monkeypatch):
    result = notify(plans, monkeypatch, chat, "--channel", "feishu")
    assert result.exit_code == 0, result.output
    bodies = [r["body"] for r in Chat.received]
    for body in bodies:
        timestamp = body["timestamp"]
        assert abs(int(timestamp) - time.time()) < 60  # seconds
        expected = base64.b64encode(hmac.new(f"{timestamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()).decode()
        assert body["sign"] == expected
        assert body["msg_type"] == "text"
    assert any('<at user_id="ou_liwei">李偉</at>' in b["content"]["text"] for b in bodies)


def test_wecom_and_slack_formats(plans, chat, monkeypatch):
    assert notify(plans, monkeypatch, chat, "--channel", "wecom", secret=None).exit_code == 0
    wecom = [r["body"] for r in Chat.received]
    assert {b["msgtype"] for b in wecom} == {"text"}
    assert sorted(b["text"]["mentioned_list"] for b in wecom) == [[], ["liwei"]]
    Chat.received.clear()
    assert notify(plans, monkeypatch, chat, "--channel", "slack", secret=None).exit_code == 0
    slack = [r["body"] for r in Chat.received]
    assert set(slack[0]) == {"text"}
    assert any("<@U0LIWEI>" in b["text"] for b in slack)
    assert all("?timestamp" not in r["path"] and "&sign" not in r["path"] for r in Chat.received)


def test_webhook_posts_plain_json_with_ids_as_in_the_plans(plans, chat, monkeypatch):
    assert notify(plans, monkeypatch, chat, "--channel", "webhook", secret=None).exit_code == 0
    bodies = sorted((r["body"] for r in Chat.received), key=lambda b: b["department"])
    assert [b["department"] for b in bodies] == ["marketing", "sales"]
    [alert] = bodies[0]["alerts"]
    assert set(alert) == {"code", "task", "owner", "message"}
    assert (alert["code"], alert["task"], alert["owner"]) == ("PC405", "live/account", "li.wei")
    assert bodies[1]["alerts"][0]["task"] == "live/stores" and bodies[1]["alerts"][0]["owner"] == "wang.fang"


def test_a_failed_post_exits_1_and_never_shows_the_url_or_secret(plans, chat, monkeypatch):
    Chat.fail = True
    result = notify(plans, monkeypatch, chat, "--channel", "dingtalk")
    assert result.exit_code == 1
    assert "HTTP 500" in result.output
    assert "tok" not in result.output and SECRET not in result.output and "127.0.0.1" not in result.output


def test_dry_run_prints_the_messages_and_sends_nothing(plans, chat, monkeypatch):
    result = notify(plans, monkeypatch, chat, "--channel", "dingtalk", "--dry-run", "--locale", "zh-CN")
    assert result.exit_code == 0
    assert Chat.received == []
    assert "plancode 提醒 · 市場部 · 截至 2024-06-15" in result.output
    assert "负责人 李偉 @ding-liwei" in result.output  # the user's names as written, plancode's words Simplified
    assert "--dry-run:2 条 dingtalk 消息,未发送" in result.output
    assert "tok" not in result.output and SECRET not in result.output


def test_nothing_to_send_and_usage(base_repo, chat, monkeypatch):
    result = notify(base_repo, monkeypatch, chat)
    assert result.exit_code == 0 and result.output.startswith("nothing to send")
    assert Chat.received == []
    monkeypatch.delenv("PLANCODE_WEBHOOK_URL")
    missing = base_repo.run("notify")
    assert missing.exit_code == 2 and "PLANCODE_WEBHOOK_URL" in missing.output
    assert base_repo.run("notify", "--channel", "teams").exit_code == 2


def test_a_suppressed_or_disabled_finding_is_not_sent(plans, chat, monkeypatch):
    plans.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\nrules: {PC405: off}\n")
    assert notify(plans, monkeypatch, chat, "--channel", "webhook", "--dry-run").output.startswith("nothing to send")
