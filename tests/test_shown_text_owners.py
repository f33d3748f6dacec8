"""Owners written beside an action item (issue 12): an @handle in brackets, a team or a name
after a closing dash, an assignee column. Ten examples of each form, in our own words, and
items whose closing words name nobody."""

from __future__ import annotations

import pytest

from reviewer.document import parse


def owners_of_list(lines: list[str]) -> list[str | None]:
    doc = parse("# Outage\n\n## Action items\n" + "".join(f"- {line}\n" for line in lines))
    assert len(doc.action_items) == len(lines)
    return [a.owner for a in doc.action_items]


HANDLE_IN_BRACKETS = [
    ("Add a CI check that rejects an empty pool size (@dana)", "@dana"),
    ("Cap webhook retries at three (@kim.lee)", "@kim.lee"),
    ("Alert on replication lag over 30 s [@db-oncall]", "@db-oncall"),
    ("Move the nightly cron to the scheduler (@platform-team, OPS-77)", "@platform-team"),
    ("Document how to restore a single bucket *(@r_singh)*", "@r_singh"),
    ("Split the deploy pipeline per region (@ana2)", "@ana2"),
    ("Drop the unused feature flags (cc @lena)", "@lena"),
    ("Pin the base image digest (@sre)", "@sre"),
    ("Add a canary stage for config pushes (@m.okafor; due 2026-03-01)", "@m.okafor"),
    ("Rate-limit the export API per tenant ([@jo](https://github.example/jo))", "@jo"),
]


@pytest.mark.parametrize("line, owner", HANDLE_IN_BRACKETS)
def test_an_at_handle_in_brackets_is_the_owner(line, owner):
    assert owners_of_list([line]) == [owner]


@pytest.mark.parametrize("line, owner", HANDLE_IN_BRACKETS)
def test_an_at_handle_in_a_table_without_an_owner_column_is_the_owner(line, owner):
    doc = parse(f"# Outage\n\n## Action items\n\n| Item | Ticket |\n|---|---|\n| {line} | OPS-9 |\n")
    assert [a.owner for a in doc.action_items] == [owner]


AFTER_A_DASH = [
    ("Rotate the signing key before it expires — SRE team", "SRE team"),
    ("Shorten the DNS TTL on the API zone – Networking team", "Networking team"),
    ("Drop the legacy session store — Maria Lopez", "Maria Lopez"),
    ("Add an alert on disk inodes - Storage", "Storage"),
    ("Write the failover runbook -- the database on-call", "the database on-call"),
    ("Load-test the login path before launch — Payments squad", "Payments squad"),
    ("Block retries of stale plans – Platform (OPS-12, due 2026-02-01)", "Platform"),
    ("Enforce MFA on the admin console — Security", "Security"),
    ("Review the escalation policy — J. Okafor", "J. Okafor"),
    ("Remove the manual failover step - Core Infra team", "Core Infra team"),
]


@pytest.mark.parametrize("line, owner", AFTER_A_DASH)
def test_a_team_or_name_after_a_closing_dash_is_the_owner(line, owner):
    assert owners_of_list([line]) == [owner]


IN_BRACKETS = [
    ("Shorten the DNS TTL (Networking team)", "Networking team"),
    ("Add a queue-depth alert (team: SRE)", "SRE"),
    ("Add backups for the search index [Data team]", "Data team"),
]


@pytest.mark.parametrize("line, owner", IN_BRACKETS)
def test_a_team_in_brackets_is_the_owner(line, owner):
    assert owners_of_list([line]) == [owner]


NOBODY_AFTER_A_DASH = [
    "Upgrade the cluster - v1.30",
    "Fix the retry loop — done",
    "Rewrite the config parser - Python",
    "Tune the garbage collector — In Progress",
    "Migrate the billing database – Q3",
    "Add a disk alert – see OPS-12",
    "Remove the global kill switch - Prevention",
    "Backfill the lost events — 2026-05-01",
    "Rewrite the parser - it is too slow",
    "Add a load-shedding mode — High Priority",
    "Split the monolith — Long Term",
    "Make the on-call handover written, not verbal",
]


@pytest.mark.parametrize("line", NOBODY_AFTER_A_DASH)
def test_closing_words_that_name_nobody_are_not_an_owner(line):
    assert owners_of_list([line]) == [None]


ASSIGNEE_HEADERS = ["Owner", "Owner(s)", "Assignee", "Assigned to", "Who", "DRI", "Responsible team", "POC",
                    "Point of contact", "Action owner"]


@pytest.mark.parametrize("header", ASSIGNEE_HEADERS)
def test_an_assignee_column_gives_the_owner_and_not_the_text(header):
    doc = parse(f"# Outage\n\n## Action items\n\n| Action | {header} | Ticket |\n|---|---|---|\n"
                "| Add a canary for config pushes | Ana Silva | OPS-3 |\n| Alert on queue depth | | OPS-4 |\n")
    assert [(a.text, a.owner) for a in doc.action_items] == [("Add a canary for config pushes", "Ana Silva"),
                                                             ("Alert on queue depth", None)]


def test_an_owner_column_first_does_not_become_the_items_text():
    doc = parse("# Outage\n\n## Follow-ups\n\n| Action owner | Action item | Status |\n|---|---|---|\n"
                "| @ana | Add alerts on the pool size | open |\n")
    assert [(a.text, a.owner, a.done) for a in doc.action_items] == [("Add alerts on the pool size", "@ana", False)]
