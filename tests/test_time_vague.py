"""More kinds of vague time (reviewer.nlp.times.vague_times): relative days, bare relative
adverbs, spans with no anchor, placeholders; and clock times with am/pm that are not vague.
Ten examples of each kind, written here."""

import pytest

from reviewer.document import parse
from reviewer.nlp.times import vague_times

TIMELINE = "\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n"


def _vague(analyzer, sentence):
    doc = parse("# Outage\n\n" + sentence + TIMELINE)
    return [v.text for v in vague_times(doc, analyzer.analyze(doc))]


RELATIVE_DAYS = [
    ("The day after, the certificate was renewed by hand.", "The day after"),
    ("Two days earlier a config change had been merged.", "Two days earlier"),
    ("Three days later the same alert fired again.", "Three days later"),
    ("The migration had started a day earlier.", "a day earlier"),
    ("The vendor confirmed the fault two days later.", "two days later"),
    ("A week later the disk filled up again.", "A week later"),
    ("The flag had been turned on the week before.", "the week before"),
    ("Earlier that week the cluster was upgraded.", "Earlier that week"),
    ("The backup had last run two days prior.", "two days prior"),
    ("The following day the team rolled the change back.", "The following day"),
]


@pytest.mark.parametrize("sentence,expected", RELATIVE_DAYS)
def test_relative_days_are_vague(analyzer, sentence, expected):
    assert expected in _vague(analyzer, sentence)


BARE_ADVERBS = [
    ("Afterwards, the team restarted the workers.", "Afterwards"),
    ("The queue soon filled up again.", "soon"),
    ("The replica was soon rebuilt from the snapshot.", "soon"),
    ("The node was subsequently drained by the on-call.", "subsequently"),
    ("We rolled back the release afterward.", "afterward"),
    ("Thereafter the error rate dropped.", "Thereafter"),
    ("The alert cleared and the page was acknowledged soon.", "soon"),
    ("Afterwards the on-call paged the storage team.", "Afterwards"),
    ("Support subsequently reported more failed logins.", "subsequently"),
    ("The cache was warmed afterwards by a script.", "afterwards"),
]


@pytest.mark.parametrize("sentence,expected", BARE_ADVERBS)
def test_bare_relative_adverbs_of_a_past_event_are_vague(analyzer, sentence, expected):
    assert expected in _vague(analyzer, sentence)


UNANCHORED_SPANS = [
    ("Within minutes the database ran out of connections.", "Within minutes"),
    ("Over the following hour the backlog drained.", "Over the following hour"),
    ("A couple of hours prior, a cron job had rotated the keys.", "A couple of hours prior"),
    ("Within hours customers started to report errors.", "Within hours"),
    ("Over the next few hours the replicas were rebuilt.", "Over the next few hours"),
    ("Several hours before, the certificate had expired.", "Several hours before"),
    ("In the following minutes the pods crash-looped.", "In the following minutes"),
    ("Within the hour the fix was deployed.", "Within the hour"),
    ("A few minutes prior, the load balancer had been reconfigured.", "A few minutes prior"),
    ("Over the next couple of days the index was rebuilt.", "Over the next couple of days"),
]


@pytest.mark.parametrize("sentence,expected", UNANCHORED_SPANS)
def test_spans_with_no_anchor_are_vague(analyzer, sentence, expected):
    assert expected in _vague(analyzer, sentence)


PLACEHOLDERS = [
    ("The first alert fired at XX:XX UTC.", "XX:XX"),
    ("The rollback finished at ??:??.", "??:??"),
    ("The page was acknowledged at 1X:45.", "1X:45"),
    ("Service recovered at xx:xx.", "xx:xx"),
    ("Errors began at ??:?? and grew.", "??:??"),
    ("The customer reported it at HH:MM.", "HH:MM"),
    ("The failover ran at 14:XX.", "14:XX"),
    ("We paged the DBA at ?:??.", "?:??"),
    ("The config was pushed at XX:30 UTC.", "XX:30"),
    ("Traffic shifted at ??:?? UTC.", "??:??"),
]


@pytest.mark.parametrize("sentence,expected", PLACEHOLDERS)
def test_placeholders_are_vague(analyzer, sentence, expected):
    assert expected in _vague(analyzer, sentence)


NOT_VAGUE = [
    "The deploy went out at 7pm.",
    "The alert fired at 11am UTC.",
    "At 3 p.m. PST the queue drained.",
    "Errors stopped at 9pm sharp.",
    "Ten minutes later the alert cleared.",
    "The job retried for a few hours.",
    "Please respond as soon as possible to pages.",
    "We will soon add an alert for this.",
    "The outage lasted two days.",
    "The replica eventually caught up.",  # how it ended, not when: not labelled a time by readers
]


@pytest.mark.parametrize("sentence", NOT_VAGUE)
def test_clock_times_with_am_pm_offsets_and_plans_are_not_vague(analyzer, sentence):
    assert _vague(analyzer, sentence) == []


FORECASTS = [
    "We expect to see recovery over the next few hours.",
    "We anticipate full recovery in the next few hours.",
    "Engineers estimate the backlog will drain within hours.",
    "We plan to finish the migration over the following days.",
    "The team hopes to restore service within minutes.",
]


@pytest.mark.parametrize("sentence", FORECASTS)
def test_a_forecast_is_not_a_vague_time_of_the_incident(analyzer, sentence):
    assert _vague(analyzer, sentence) == []
