"""PM204 character-judgement: sloppy, careless, lazy, negligent, incompetent."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.blame import JUDGEMENT
from reviewer.rules.base import rule
from reviewer.rules.blame._common import hits


@rule(
    code="PM204", name="character-judgement", dimension=Dimension.BLAME, severity=Severity.WARNING,
    summary="A judgement of someone's character or competence (sloppy, careless, lazy, negligent).",
    what=("Finds words that judge people or their work (sloppy, careless, negligent, incompetent, reckless, "
          "irresponsible, laziness …). Words that are also technical terms (lazy, lax, dumb) count only when they "
          "describe a person or an act (\"a lazy reviewer\"), never \"lazy loading\" or \"a lax regex\". Negated "
          "and quoted uses are not reported. Where the word modifies a noun, dropping it is offered as a "
          "replacement. The blame sentence model also reports judgements of competence or state of mind in other "
          "words when confident (\"a rookie mistake\", \"out of their depth\")."),
    why="A judgement explains nothing about how the failure happened and tells readers to hide their own mistakes.",
    example="A sloppy deploy by the platform team took down checkout.",
    use_instead="A deploy by the platform team took down checkout: the canary stage was skipped for config changes.",
    should_flag=[
        "# Outage\n\n## Root cause\nA sloppy deploy by the platform team took down checkout.\n",
        "# Outage\n\n## Root cause\nThis was a careless mistake.\n",
    ],
    should_pass=[
        "# Outage\n\n## Root cause\nLazy loading of the config meant the bad value was read only at request time.\n",
        "# Outage\n\n## Response\nThis was not carelessness: the two clusters have the same name in the console.\n",
    ],
    needs_nlp=True,
)
def character_judgement(ctx):
    yield from hits(ctx, JUDGEMENT, "Describe the action and the conditions around it instead.")
