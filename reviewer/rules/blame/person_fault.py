"""PM201 blamed-person: a person, handle, pronoun, team or role as the cause of a failure."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.blame import PERSON_FAULT
from reviewer.rules.base import rule
from reviewer.rules.blame._common import hits


@rule(
    code="PM201", name="blamed-person", dimension=Dimension.BLAME, severity=Severity.WARNING,
    summary="A person, team or role is named as the cause of the failure, with fault-laden words.",
    what=("Finds sentences whose grammatical agent is a person (a name, a handle, a pronoun, a role or a team) of a "
          "fault-laden predicate: forgot, neglected, failed to (do a duty), ignored, missed, broke, messed up, "
          "skipped, caused the outage; a person acting accidentally, mistakenly, carelessly; a mistake by or of a "
          "person. Negated, conditional and hypothetical clauses and quoted text are not reported. Names in "
          "`blame_allowlist` are never treated as blamed people. The blame sentence model "
          "(reviewer/nlp/blame/model.py) confirms weaker shapes (a person or \"nobody\" who did not act, a person "
          "acting \"without review\" or in a hurry) and reports on its own, when confident, sentences that make a "
          "person the cause in other words (\"Sam deployed a broken schema change\", \"Why didn't you test it?\")."),
    why=("Naming who slipped ends the investigation where it should begin: what let the slip through? Postmortems "
         "that blame people teach people to hide mistakes."),
    example="Dave forgot to renew the certificate.",
    use_instead="The certificate was not renewed: nothing alerted before it expired.",
    should_flag=[
        "# Outage\n\n## Root cause\nDave forgot to renew the certificate.\n",
        "# Outage\n\n## Root cause\nThe DBA team broke replication during the upgrade.\n",
        "# Outage\n\n## Trigger\nAn engineer mistakenly ran the cleanup against production.\n",
        "# Outage\n\n## What went wrong\nWe missed the failover step when we built the cluster.\n",
    ],
    should_pass=[
        "# Outage\n\n## Timeline\n- 11:14 UTC @alice restarted the proxy.\n",
        "# Outage\n\n## Root cause\nThe job failed to connect to the database after the upgrade.\n",
        "# Outage\n\n## Root cause\nNo one forgot anything: the renewal job had been disabled.\n",
        "# Outage\n\n## Action items\n- Make it impossible to accidentally run the cleanup against production.\n",
        "# Outage\n\n## Root cause\n> Dave: I forgot to renew the certificate.\n",
        "# Outage\n\n## Impact\nWe missed our availability SLO for the month.\n",
    ],
    needs_nlp=True,
)
def blamed_person(ctx):
    yield from hits(ctx, PERSON_FAULT, "")
