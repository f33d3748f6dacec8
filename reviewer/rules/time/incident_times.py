"""PM306 incident-times-out-of-order and PM308 slow-customer-notification (from derived durations)."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.durations import derive_durations
from reviewer.rules.base import Hit, rule

_STAGES = [("impact_start", "impact start"), ("detected", "detection"), ("mitigated", "mitigation"),
           ("resolved", "resolution")]


def _when(t) -> str:
    """A key time as the reader wrote it: with its date only when a date was written."""
    return f"{t.at:%Y-%m-%d %H:%M}" if t.date_known else f"{t.at:%H:%M}"


def shared_durations(ctx):
    return derive_durations(ctx.doc, ctx.analysis)


@rule(
    code="PM306", name="incident-times-out-of-order", dimension=Dimension.TIME, severity=Severity.WARNING,
    summary="The incident's stated times are not in order: impact start ≤ detection ≤ mitigation ≤ resolution.",
    what=("Compares the incident times the document states (front matter or a key-value table: started, detected, "
          "mitigated, resolved; the impact window stated in prose, \"between 10:26 and 14:40\"; else the timeline "
          "rows that report them) and reports a later stage that is given an earlier time than the stage before it."),
    why="Detection before impact, or resolution before mitigation, is a typo that corrupts time to detect and "
        "time to resolve, which readers and trend reports rely on.",
    example="`started: 2024-05-14 10:40` and `detected: 2024-05-14 10:02`.",
    use_instead="Check the times against the alert and the chat log and fix the one that is wrong.",
    should_flag=["---\nstarted: 2024-05-14 10:40\ndetected: 2024-05-14 10:02\n---\n# Outage\n\n"
                 "## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:45 Rolled back.\n"],
    should_pass=["---\nstarted: 2024-05-14 09:58\ndetected: 2024-05-14 10:02\nresolved: 2024-05-14 10:45\n---\n"
                 "# Outage\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:45 Rolled back.\n"],
)
def incident_times_out_of_order(ctx):
    d = shared_durations(ctx)
    stated = [(name, label, getattr(d, name)) for name, label in _STAGES if getattr(d, name) is not None]
    for i, (name, label, later) in enumerate(stated):
        for _, earlier_label, earlier in stated[:i]:
            # Times the author states (metadata, the stated impact window) are compared with each
            # other and with the timeline; two timeline guesses are not. A time with no date
            # written is not compared with a dated one.
            stated_side = {"metadata", "statement"} & {later.source, earlier.source}
            if later.at < earlier.at and stated_side and later.date_known == earlier.date_known:
                start = later.start if later.start is not None else 0
                end = later.end if later.end is not None else start
                yield Hit(start, end,
                          f"The {label} time ({_when(later)}) is earlier than the {earlier_label} time "
                          f"({_when(earlier)}): impact start ≤ detection ≤ mitigation ≤ resolution.",
                          data={"stage": name})
                break


@rule(
    code="PM308", name="slow-customer-notification", dimension=Dimension.TIME, severity=Severity.SUGGESTION,
    summary="A long gap between the start of impact and the first customer communication.",
    what=("Computes the time from impact start to the first customer communication in the timeline (status page "
          "update, customer email, announcement) and reports it when it exceeds `max_minutes` (default 60)."),
    why="Customers judge an incident by how soon they hear about it; a long silence is worth a line in the "
        "lessons and often an action item (status page automation, comms templates).",
    example="Impact at 10:02, first status page update at 12:30.",
    use_instead="Note the gap and why in the lessons, and add an action item to shorten it.",
    should_flag=["# Outage\n\n## Timeline (UTC)\n- 10:02 Checkout errors start.\n- 10:05 Alert fired.\n"
                 "- 10:40 Rolled back.\n- 12:30 Status page updated for customers.\n"],
    should_pass=["# Outage\n\n## Timeline (UTC)\n- 10:02 Checkout errors start.\n- 10:05 Alert fired.\n"
                 "- 10:12 Status page updated for customers.\n- 10:40 Rolled back.\n"],
    options={"max_minutes": 60},
)
def slow_customer_notification(ctx):
    d = shared_durations(ctx)
    limit = float(ctx.options.get("max_minutes", 60))
    if d.time_to_customer_comms is None or d.time_to_customer_comms <= limit or d.first_customer_comm is None:
        return
    comm = d.first_customer_comm
    start = comm.start if comm.start is not None else 0
    end = comm.end if comm.end is not None else start
    minutes = int(d.time_to_customer_comms)
    yield Hit(start, end,
              f"Customers first heard about the incident {minutes // 60} h {minutes % 60:02d} min after impact "
              f"started (limit {int(limit)} min): say why in the lessons, and how to notify sooner.",
              data={"time_to_customer_comms": d.time_to_customer_comms})
