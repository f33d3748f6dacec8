"""PM205 hindsight-minimiser: just, simply, obviously, clearly — in hindsight."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.blame import MINIMISER
from reviewer.rules.base import rule
from reviewer.rules.blame._common import hits


@rule(
    code="PM205", name="hindsight-minimiser", dimension=Dimension.BLAME, severity=Severity.SUGGESTION,
    summary="\"Just\", \"simply\", \"obviously\", \"clearly\" make the better choice sound easy in hindsight.",
    what=("Finds just, simply, merely, obviously, clearly, easily, trivially when they modify a verb in hindsight: "
          "under should / ought to / need to / had to, or a counterfactual (\"could simply have rolled back\"), and "
          "obviously / clearly said of a person. Not reported: time and quantity uses (\"just before 10:00\", "
          "\"just under 1 GB\", \"the just-released version\"), manner (\"clearly labelled\", \"the graph clearly "
          "shows\"), possibilities (\"it could just be a flaky test\"). Dropping the word is offered as a "
          "replacement."),
    why="Minimisers imply that whoever did not take the easy path was slow or careless; it was not easy at the time.",
    example="The on-call could simply have rolled back.",
    use_instead="Rolling back was possible from 10:12; the dashboard did not show that the deploy was the trigger.",
    should_flag=[
        "# Outage\n\n## Lessons\nThe on-call could simply have rolled back.\n",
        "# Outage\n\n## Lessons\nThey just needed to restart the pod.\n",
    ],
    should_pass=[
        "# Outage\n\n## Timeline\nThe errors started just before 10:00 UTC, right after the just-released version.\n",
        "# Outage\n\n## Detection\nThe graphs clearly show the latency spike.\n",
        "# Outage\n\n## Root cause\nIt could just be a flaky test.\n",
    ],
    needs_nlp=True,
)
def hindsight_minimiser(ctx):
    yield from hits(ctx, MINIMISER, "")
