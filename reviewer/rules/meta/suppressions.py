"""PM001, PM002: rules about the review itself. The engine reports these; see reviewer.review."""

from reviewer.findings import Dimension, Severity
from reviewer.rules.base import rule


@rule(
    code="PM001", name="unused-suppression", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="A pmreview-disable comment suppressed nothing.",
    what="Reports `<!-- pmreview-disable… -->` comments that suppressed no finding of a rule that ran.",
    why="Stale suppressions hide the next real problem in the same place and make the document noisier.",
    example="`<!-- pmreview-disable-line PM301 -->` on a line that no longer has a vague time.",
    use_instead="Remove the comment, or name the rule that still needs suppressing.",
    should_flag=["# Incident\n\n<!-- pmreview-disable-file -->\n\nAll fine.\n"],
    should_pass=["# Incident\n\nAll fine.\n"],
)
def unused_suppression(ctx):
    return ()  # reported by the engine, which alone knows what each suppression matched


@rule(
    code="PM002", name="rule-failed", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="A rule failed on this document; the rest of the review went on.",
    what="Reports a rule that raised an error on this document, instead of ending the whole run.",
    why="A review must never crash on an unusual document; the failure is shown so it can be reported.",
    example="A rule meeting a document shape it does not expect.",
    use_instead="Report the document shape as a bug; suppress the rule for that file meanwhile.",
    should_flag=[],
    should_pass=["# Incident\n\nAll fine.\n"],
)
def rule_failed(ctx):
    return ()  # reported by the engine
