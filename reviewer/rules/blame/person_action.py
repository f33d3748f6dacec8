"""PM206 person-targeted-action-item: an action item that asks people to try harder."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.blame import PERSON_ACTION
from reviewer.rules.base import rule
from reviewer.rules.blame._common import hits


@rule(
    code="PM206", name="person-targeted-action-item", dimension=Dimension.BLAME, severity=Severity.WARNING,
    summary="An action item asks people to be more careful instead of changing the system.",
    what=("In action items only: \"make sure / ensure the engineer checks …\", \"remind / tell / retrain the "
          "on-call …\", \"be more careful\", \"pay more attention\", \"remember to\", \"double-check\"."),
    why=("An instruction to be careful does not survive the next busy night; a check, an alert or a guard does. "
         "It also tells the people involved that they were the problem."),
    example="- Make sure the engineer checks the target cluster before running the cleanup.",
    use_instead="- The cleanup script refuses production targets without `--confirm-production` (owner: @alice).",
    should_flag=[
        "# Outage\n\n## Action items\n- Make sure the engineer checks the target cluster before running the cleanup.\n",
        "# Outage\n\n## Action items\n- Everyone should be more careful when editing DNS records.\n",
    ],
    should_pass=[
        "# Outage\n\n## Action items\n- Add an expiry alert for every certificate (owner: @alice, ABC-12).\n",
        "# Outage\n\n## Action items\n- Ensure the deploy tool asks for confirmation on production targets.\n",
        "# Outage\n\n## Timeline\n- 10:02 We need to be more careful, Dave said on the bridge.\n",
    ],
    needs_nlp=True,
)
def person_targeted_action_item(ctx):
    yield from hits(ctx, PERSON_ACTION, "")
