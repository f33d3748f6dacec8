"""PM202 human-error-cause: "human error" (or a mistake) offered as the cause."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.blame import HUMAN_ERROR
from reviewer.rules.base import rule
from reviewer.rules.blame._common import hits


@rule(
    code="PM202", name="human-error-cause", dimension=Dimension.BLAME, severity=Severity.WARNING,
    summary="\"Human error\", \"operator error\" or \"a mistake\" is given as the cause.",
    what=("Finds \"human error\", \"operator error\", \"user error\", \"manual error\", PEBKAC, and \"a mistake\" "
          "when they stand as the cause: next to cause words (root cause, caused by, due to, because of, "
          "attributed to) or in a root-cause or trigger section. Denials (\"this was not human error\") and quoted "
          "text are not reported. The blame sentence model also reports human error in other shapes when confident "
          "(a bare \"Human error.\", \"it came down to a human mistake\")."),
    why=("Human error is where an investigation starts, not where it ends: the useful findings are the conditions "
         "that made the error easy and let it reach production."),
    example="The root cause was human error.",
    use_instead="The deploy tool accepted a production target without a confirmation step.",
    should_flag=[
        "# Outage\n\n## Root cause\nThe root cause was human error.\n",
        "# Outage\n\n## Summary\nThe outage was caused by operator error during the migration.\n",
    ],
    should_pass=[
        "# Outage\n\n## Root cause\nThis was not human error: the tool accepted the wrong target without asking.\n",
        "# Outage\n\n## Impact\nThe user error page was shown to every visitor for 12 minutes.\n",
        "# Outage\n\n## Root cause\nA race condition in the cache invalidation code.\n",
    ],
    needs_nlp=True,
)
def human_error_cause(ctx):
    yield from hits(ctx, HUMAN_ERROR,
                    "For example: \u201cThe cleanup script accepted a production target without confirmation.\u201d")
