"""PM406 unquantified-impact and PM407 stated-duration-mismatch."""

from __future__ import annotations

from reviewer.findings import Dimension, Severity
from reviewer.nlp.durations import derive_durations
from reviewer.rules.base import Hit, rule
from reviewer.rules.metrics.missing import _fmt, metrics_of


@rule(
    code="PM406", name="unquantified-impact", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="An impact claim with no number: \"many users\", \"significant latency\", \"a traffic spike\".",
    what="Finds vague amounts of affected things (\"many users\", \"a lot of errors\", \"most customers\"), "
         "unmeasured degradations (\"significant latency\", \"elevated error rates\") and unsized spikes "
         "(\"a traffic spike\") in the summary, impact, cause, detection and resolution sections, when the same "
         "sentence gives no number. Conditionals, plans and quotations are left alone.",
    why="A reader cannot tell whether \"many users\" means 12 or 12 million; the figure is what makes incidents "
        "comparable and the follow-up proportionate.",
    example="`Many users saw errors during checkout.`",
    use_instead="`About 1,200 users (4% of sessions) saw HTTP 502 on checkout.`",
    should_flag=["# Outage\n\n## Impact\nMany users saw errors during checkout.\n",
                 "# Outage\n\n## Summary\nA traffic spike overloaded the API and caused significant latency.\n"],
    should_pass=["# Outage\n\n## Impact\nAbout 1,200 users (4% of sessions) saw errors during checkout.\n",
                 "# Outage\n\n## Action items\n- Alert when many users see errors (owner @ana, OPS-1, due 2026-01-10)\n"],
    needs_nlp=True,
)
def unquantified_impact(ctx):
    for claim in metrics_of(ctx).vague_claims:
        yield Hit(claim.start, claim.end, f"\"{claim.text}\" is not quantified: {claim.suggestion}.",
                  data={"suggestion": claim.suggestion})


def _own_window_agrees(text: str, stated) -> bool:
    """ "100% errors for 9 minutes (13:03–13:12 UTC)": the figure describes the window written next
    to it, which may be one phase of the incident; it agrees with itself."""
    from reviewer.document.timeexpr import find_clocks, to_24h

    near = text[max(0, stated.start - 60) : stated.end + 60]
    clocks = find_clocks(near, allow_dot=True)
    for first, second in zip(clocks, clocks[1:]):
        a, b = to_24h(first), to_24h(second)
        minutes = (b[0] * 60 + b[1]) - (a[0] * 60 + a[1])
        if minutes < 0:
            minutes += 24 * 60
        if abs(minutes - stated.minutes) <= max(2.0, 0.1 * stated.minutes):
            return True
    return False


_KIND_NAMES = {"impact": ("impact duration", "impact_duration"), "detect": ("time to detect", "time_to_detect"),
               "mitigate": ("time to mitigate", "time_to_mitigate"), "resolve": ("time to resolve", "time_to_resolve")}


@rule(
    code="PM407", name="stated-duration-mismatch", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="A duration stated in the text disagrees with the timeline's own times.",
    what="Compares each stated figure (impact duration, time to detect, mitigate, resolve) with the same figure "
         "derived from the timeline and metadata times, and reports a difference larger than "
         "both `tolerance_minutes` and `tolerance_ratio` of the derived value. Only the first figure of each kind is "
         "compared (the one the metrics fact reports), and only when the impact start is pinned down (a metadata "
         "`started`, or a timeline row that reports impact). A figure that matches a clock-time window written "
         "next to it (\"for 9 minutes (13:03–13:12)\") describes that window and is left alone, as is a time to "
         "detect stated in prose (\"went unnoticed for two weeks\"), which counts from a latent cause.",
    why="Two different figures for one incident make both untrustworthy, and the wrong one ends up in the "
        "quarterly report.",
    example="`The outage lasted 30 minutes.` with a timeline from 10:02 (errors start) to 11:15 (resolved).",
    use_instead="Correct the figure, or the timeline row, so that both agree.",
    should_flag=["# Outage\n\nThe outage lasted 30 minutes.\n\n## Timeline\n\n"
                 "- 10:02 UTC checkout errors start\n- 10:08 UTC alert fires and pages the on-call\n"
                 "- 11:15 UTC rollback complete, incident resolved\n"],
    should_pass=["# Outage\n\nThe outage lasted 73 minutes.\n\n## Timeline\n\n"
                 "- 10:02 UTC checkout errors start\n- 10:08 UTC alert fires and pages the on-call\n"
                 "- 11:15 UTC rollback complete, incident resolved\n"],
    needs_nlp=True, options={"tolerance_minutes": 10, "tolerance_ratio": 0.2},
)
def stated_duration_mismatch(ctx):
    metrics = metrics_of(ctx)
    if not metrics.durations:
        return
    derived = derive_durations(ctx.doc, ctx.analysis)
    start = derived.impact_start
    if start is None:
        return
    if start.source == "timeline":
        from reviewer.nlp.durations import classify_row

        # A timeline that merely begins somewhere is not evidence of when impact began.
        if start.row is None or "impact" not in classify_row(ctx.doc, start.row, ctx.analysis):
            return
    tolerance_minutes = float(ctx.options.get("tolerance_minutes", 10))
    tolerance_ratio = float(ctx.options.get("tolerance_ratio", 0.2))
    reported: set[str] = set()
    # The figure the document states for each kind is its first one (what the metrics fact reports).
    # For the impact, a written figure (a label or prose), not the stated window: the window is
    # what the derived durations already count from.
    written_impact = next((d for d in metrics.durations if d.kind == "impact" and d.source != "window"), None)
    firsts = [d for d in (written_impact if kind == "impact" else metrics.first(kind) for kind in _KIND_NAMES)
              if d is not None]
    for stated in firsts:
        if stated.kind in reported or stated.source == "window":
            continue
        if stated.kind == "detect" and stated.source == "prose":
            # "went unnoticed for two weeks" counts from a latent cause, the timeline from the
            # first impact row: different starts, not a contradiction.
            continue
        if _own_window_agrees(ctx.doc.text, stated):
            continue
        label, attribute = _KIND_NAMES[stated.kind]
        # "The outage lasted 47 minutes" may count to mitigation or to resolution: it disagrees
        # only when it is far from both.
        candidates = [getattr(derived, attribute)]
        if stated.kind == "impact":
            candidates.append(derived.time_to_resolve)
        candidates = [c for c in candidates if c is not None and c > 0]
        if not candidates:
            continue
        if any(abs(stated.minutes - c) <= max(tolerance_minutes, tolerance_ratio * c) for c in candidates):
            continue
        value = candidates[0]
        reported.add(stated.kind)
        yield Hit(stated.start, stated.end,
                  f"Stated {label} \"{stated.text}\" ({_fmt(stated.minutes)}) disagrees with the timeline, which "
                  f"gives {_fmt(value)}; correct one of them.",
                  data={"stated_minutes": stated.minutes, "derived_minutes": value, "kind": stated.kind})
