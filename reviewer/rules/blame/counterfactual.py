"""PM203 hindsight-counterfactual: what people should have done, or "if X had …"."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.blame import COUNTERFACTUAL
from reviewer.rules.base import rule
from reviewer.rules.blame._common import hits


@rule(
    code="PM203", name="hindsight-counterfactual", dimension=Dimension.BLAME, severity=Severity.WARNING,
    summary="Hindsight about what a person or the team should have done.",
    what=("Finds \"should / ought to / could have\" + participle when the subject is a person, a team or a role "
          "(\"the on-call should have escalated\"), a decision of the team (\"our timeout should have been "
          "shorter\"), or a reviewer's or responder's act in the passive (\"this should have been caught in "
          "review\"); and conditionals about a person's choice (\"had the reviewer looked closer, this would not "
          "have shipped\"). Counterfactuals about systems that name no decision (\"with rate limiting the proxy "
          "would have survived\") are not reported. The blame sentence model also reports hindsight in other words "
          "when confident (\"why did nobody notice?\", \"a more careful engineer would have checked\")."),
    why=("Hindsight makes the better choice look obvious; the useful question is why it was not obvious at the "
         "time: which signal was missing, which runbook was unclear."),
    example="The on-call should have escalated sooner.",
    use_instead="Escalation happened at 10:40 UTC; the runbook gave no threshold for escalating.",
    should_flag=[
        "# Outage\n\n## What went wrong\nThe on-call should have escalated sooner.\n",
        "# Outage\n\n## Lessons\nThis should have been caught in review.\n",
        "# Outage\n\n## Lessons\nHad the reviewer looked closer, this would not have shipped.\n",
    ],
    should_pass=[
        "# Outage\n\n## Lessons\nWith rate limiting the proxy would have survived.\n",
        "# Outage\n\n## Lessons\nThe alert should have fired within a minute, but its threshold was an hour.\n",
        "# Outage\n\n## Impact\nWe could have lost data, but the backups were intact.\n",
    ],
    needs_nlp=True,
)
def hindsight_counterfactual(ctx):
    yield from hits(ctx, COUNTERFACTUAL, "")
