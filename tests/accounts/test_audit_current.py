"""The audit page's check (``audit.verify_current``): the whole chain at most every ten minutes,
what was written since on every view; an edit is caught at once if it is newer than the last
whole walk, else by the next one."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.ops.tamper import triggers_off, write_entries

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def current(url):
    with transaction(engine_for(url)) as session:
        return audit.verify_current(session)


def edit(url, sequence):
    with triggers_off(url) as connection:
        table = AuditRecord.__table__
        connection.execute(table.update().where(table.c.sequence == sequence)
                           .values(reason="고친 사유"))


def test_new_entries_on_every_view_old_ones_at_the_next_whole_walk(database_url):
    audit._last_full.clear()
    write_entries(database_url, 4)
    with clock.frozen(START):
        first = current(database_url)
    assert first.report.ok and first.report.checked == 4 and first.full_check_at == START

    write_entries(database_url, 2, first=4)
    with clock.frozen(START + dt.timedelta(minutes=1)):
        later = current(database_url)
    assert later.report.ok and later.report.checked == 6 and later.full_check_at == START

    edit(database_url, 5)  # written after the whole walk: caught on the next view
    with clock.frozen(START + dt.timedelta(minutes=2)):
        caught = current(database_url)
    assert (caught.report.ok, caught.report.first_bad_sequence) == (False, 5)


def test_an_old_entry_edited_is_caught_by_the_next_whole_walk(database_url):
    audit._last_full.clear()
    write_entries(database_url, 4)
    with clock.frozen(START):
        assert current(database_url).report.ok
    edit(database_url, 2)
    with clock.frozen(START + dt.timedelta(minutes=5)):
        assert current(database_url).report.ok  # not yet walked again: the page shows when
    with clock.frozen(START + audit.FULL_CHECK_EVERY):
        report = current(database_url).report
    assert (report.ok, report.first_bad_sequence, report.problem) == (False, 2, "shown_mismatch")
