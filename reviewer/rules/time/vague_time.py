"""PM301 vague-time: "around 11", "that evening", "shortly after" instead of a clock time."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.times import KIND_LABELS, detect_zone, timeline_format, vague_times
from reviewer.rules.base import Hit, rule

_TIMELINE = "\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n"


def shared_vague_times(ctx):
    """Vague times, computed once per review and shared with the facts and other rules."""
    if ctx.analysis is not None:
        return ctx.analysis.shared("vague_times", lambda a: vague_times(ctx.doc, a))
    return vague_times(ctx.doc)


@rule(
    code="PM301", name="vague-time", dimension=Dimension.TIME, severity=Severity.WARNING,
    summary="A vague time (\"around 11\", \"that evening\", \"shortly after\") where a clock time belongs.",
    what=("Finds times in the narrative and the timeline that a reader cannot place on a clock: approximations "
          "(\"around 11\", \"about noon\", \"~3pm\"), parts of the day (\"in the afternoon\", \"that morning\"), "
          "relative times with no anchor (\"later that day\", \"shortly after\", \"a few minutes later\"), "
          "\"yesterday\", hour-only times (\"at 11\"), \"at some point\" and unknown times (\"2X:XX\"). Durations "
          "(\"for 42 minutes\"), hedged clock times (\"~9:43\"), dates, action items and quoted material are left "
          "alone. The message suggests the time format the document's own timeline uses. Option `ignore_kinds` "
          "skips kinds a team accepts: `approximate`, `hour-only`, `part-of-day`, `relative`, `unknown`."),
    why=("A timeline is the first place a reader's eyes go. \"Around 11\" cannot be ordered against other events, "
         "compared with graphs and logs, or used to compute time to detect and to resolve."),
    example="`Later that afternoon the on-call rolled back the deploy.`",
    use_instead="`At 14:32 UTC the on-call rolled back the deploy.` (look it up in the chat log, the deploy "
                "history or the alert).",
    should_flag=["# Outage\n\nAround 11 the API started returning errors." + _TIMELINE,
                 "# Outage\n\nThe on-call restarted the proxy later that afternoon." + _TIMELINE,
                 "# Outage\n\nShortly after, the database failed over." + _TIMELINE],
    should_pass=["# Outage\n\nAt 11:14 UTC the API started returning errors for 42 minutes." + _TIMELINE,
                 "# Outage\n\n> Around 11 someone said it was slow (chat log).\n" + _TIMELINE],
    needs_nlp=True,
    options={"ignore_kinds": []},
)
def vague_time(ctx):
    ignored = {str(k).strip().lower() for k in ctx.options.get("ignore_kinds") or []}
    found = [v for v in shared_vague_times(ctx) if v.kind not in ignored]
    if not found:
        return
    zone = detect_zone(ctx.doc).zone
    fmt = timeline_format(ctx.doc, zone)
    for v in found:
        label = KIND_LABELS.get(v.kind, "a vague time")
        where = "timeline row" if v.in_timeline else "text"
        text = ctx.doc.quote(v.span.start, v.span.end) or " ".join(v.text.split())
        yield Hit(v.span.start, v.span.end,
                  f"Vague time \"{text}\" ({label}) in the {where}: give the clock time, written as the timeline "
                  f"does: {fmt.suggest()}.",
                  confidence=0.7 if v.kind == "hour-only" else 1.0,
                  data={"kind": v.kind, "suggested_format": fmt.pattern, "example": fmt.example})
