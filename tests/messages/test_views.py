"""The pages: a citizen's "내 알림" (unread, read), their choices, and staff's delivery status,
each within the caller's scope."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja import clock
from ilja.accounts.models import AuditRecord
from ilja.config import Settings
from ilja.db import engine_for, transaction
from ilja.messages import outbox
from ilja.messages.models import MessagePreference
from ilja.messages.worker import Worker
from tests.conftest import app_database
from tests.messages.factories import NOTICE, person
from tests.support.site import Site, make_users
from tests.web.html_check import check_page

EVENT = {"event_title": "채용설명회", "starts_at": "12월 9일 14:00", "place": "마포캠퍼스"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("messages-web")
    with app_database(tmp) as url:
        with transaction(engine_for(url)) as session:
            mine, other = person(session), person(session, name="이서연", email="seoyeon@example.org")
            notice = outbox.send(session, person_id=mine, topic="decision_notice", context=NOTICE).id
            outbox.send(session, person_id=mine, topic="event_reminder", context=EVENT, mandatory=False)
            theirs = outbox.send(session, person_id=other, topic="decision_notice", context=NOTICE).id
        with TestClient(create_app()) as client:
            yield Site(client, url, make_users(url, mine)), {"notice": notice, "theirs": theirs, "tmp": tmp,
                                                             "mine": mine}


def test_the_citizen_reads_their_messages(site):
    site, ids = site
    site.log_in("citizen")
    home = site.client.get("/")
    assert 'href="/me/messages"' in home.text  # in the citizen's menu
    inbox = site.client.get("/me/messages")
    assert inbox.status_code == 200 and check_page(inbox.text).problems == []
    assert "읽지 않은 알림 2건" in inbox.text and "2026년 동행일자리 1차 모집 결과를 알려 드립니다" in inbox.text
    opened = site.client.get(f"/me/messages/{ids['notice']}")
    assert opened.status_code == 200 and check_page(opened.text).problems == []
    assert "선발 점수 62점" in opened.text and "행정심판" in opened.text
    assert "읽지 않은 알림 1건" in site.client.get("/me/messages").text
    assert site.client.get(f"/me/messages/{ids['theirs']}").status_code == 404  # someone else's
    assert site.client.get("/me/messages/999999").status_code == 404
    english = site.client.get("/me/messages?lang=en")
    assert "My messages" in english.text and check_page(english.text).problems == []


def test_the_citizen_chooses_channels_and_opts_out(site):
    site, ids = site
    site.log_in("citizen")
    page = site.client.get("/me/messages/settings")
    assert page.status_code == 200 and check_page(page.text).problems == []
    assert "[일자리] 채용설명회 안내" in page.text  # the optional topic they received, by its subject
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    bad = site.client.post("/me/messages/settings", data={"csrf_token": token, "language": "fr",
                                                          "phone_channel": "sms"})
    assert bad.status_code == 422 and "알림 언어를 골라 주세요" in bad.text and check_page(bad.text).problems == []
    saved = site.client.post("/me/messages/settings", data={
        "csrf_token": token, "language": "en", "phone_channel": "alimtalk", "opted_out": ["event_reminder"]},
        follow_redirects=False)
    assert saved.status_code == 303
    assert "저장했습니다" in site.client.get(saved.headers["location"]).text
    with transaction(engine_for(site.url)) as session:
        pref = session.get(MessagePreference, ids["mine"])
        assert (pref.language, pref.email, pref.phone_channel, pref.opted_out) == ("en", False, "alimtalk",
                                                                                  ["event_reminder"])
        optional = outbox.send(session, person_id=ids["mine"], topic="event_reminder", context=EVENT,
                               mandatory=False)
        required = outbox.send(session, person_id=ids["mine"], topic="decision_notice", context=NOTICE)
        chosen = outbox.deliveries(session, [optional.id, required.id])
        assert [d.channel for d in chosen[optional.id]] == ["inbox"]
        assert [d.channel for d in chosen[required.id]] == ["inbox", "alimtalk"]
        assert required.subject.startswith("[Ilja]")
        [entry] = session.scalars(select(AuditRecord).where(AuditRecord.action == "messages.preference"))
        assert entry.subject_person_id == str(ids["mine"])


def test_staff_see_delivery_status_within_their_scope(site):
    site, ids = site
    with clock.frozen(clock.now()):
        Worker(engine_for(site.url), Settings(database_url=site.url, data_dir=ids["tmp"])).drain()
    site.log_in("program_manager")
    listed = site.client.get("/messages")
    assert listed.status_code == 200 and check_page(listed.text).problems == []
    assert "전자우편: 전달됨" in listed.text and "내 알림: 전달됨" in listed.text
    one = site.client.get(f"/messages/{ids['notice']}")
    assert one.status_code == 200 and check_page(one.text).problems == [] and "방법별 전달 상태" in one.text
    filtered = site.client.get(f"/messages?person_id={ids['mine']}&status=delivered")
    assert filtered.status_code == 200 and "이서연" not in filtered.text
    site.log_in("operator")  # the Mapo operator: neither person trains or works there
    assert "보낸 알림이 없습니다" in site.client.get("/messages").text
    assert site.client.get(f"/messages/{ids['notice']}").status_code == 404
    site.log_in("citizen")
    assert site.client.get("/messages").status_code in (403, 404)
