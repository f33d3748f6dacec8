"""Small postmortems written for the corpus tests (our own words; no evaluation text), and
what several corpus test modules do with them."""

from __future__ import annotations

from pathlib import Path


def postmortem(id: str, title: str, date: str, *, root_cause: str, summary: str = "", severity: str = "SEV-2",
               services: tuple[str, ...] = ("api",), category: str | None = None, resolution: str = "Reverted.",
               actions: tuple[tuple[str, bool], ...] = (), started: str | None = None,
               resolved: str | None = None) -> str:
    front = [f"id: {id}", f"title: {title}", f"date: {date}", f"severity: {severity}",
             f"services: [{', '.join(services)}]"]
    if category:
        front.append(f"root_cause_category: {category}")
    if started:
        front.append(f"started: {started}")
    if resolved:
        front.append(f"resolved: {resolved}")
    items = "\n".join(f"- [{'x' if done else ' '}] {text} (@sam, OPS-{i + 1}, due 2030-01-01)"
                      for i, (text, done) in enumerate(actions))
    return ("---\n" + "\n".join(front) + "\n---\n"
            f"# {title}\n\n## Summary\n\n{summary or title}.\n\n## Root cause\n\n{root_cause}\n\n"
            f"## Resolution\n\n{resolution}\n\n## Action items\n\n{items or '- [ ] Write the runbook (@sam)'}\n")


INCIDENTS = {
    "inc-a1": postmortem(
        "inc-a1", "Edge proxies served an expired TLS certificate", "2019-03-04", category="expiry",
        services=("edge",), started="2019-03-04T08:00:00Z", resolved="2019-03-04T09:30:00Z",
        root_cause="The TLS certificate on the edge proxies expired because the renewal job had been failing "
                   "silently for a month; nobody was alerted about the expiry date.",
        actions=(("Alert 30 days before any certificate expiry", False), ("Renew the certificate", True))),
    "inc-a2": postmortem(
        "inc-a2", "Payment gateway rejected our expired client certificate", "2020-06-10", category="expiry",
        services=("payments",), severity="SEV-1", started="2020-06-10T10:00:00Z", resolved="2020-06-10T10:45:00Z",
        root_cause="The client certificate used for mutual TLS with the payment gateway expired; the renewal "
                   "reminder went to a mailbox nobody read.",
        actions=(("Track every certificate expiry in one inventory", False),)),
    "inc-a3": postmortem(
        "inc-a3", "Webhook delivery failed after a certificate expired", "2021-01-20", category="expiry",
        services=("webhooks",), started="2021-01-20T12:00:00Z", resolved="2021-01-20T14:00:00Z",
        root_cause="An intermediate certificate in the chain expired and the webhook senders could not verify "
                   "the certificate of the receivers.",
        actions=(("Monitor certificate chains, not only leaf certificates", False),)),
    "inc-b1": postmortem(
        "inc-b1", "DNS provider outage made the API unresolvable", "2019-07-01", category="dns",
        services=("api",), started="2019-07-01T02:00:00Z", resolved="2019-07-01T04:00:00Z",
        root_cause="Our only DNS provider had an outage and the nameservers for our zone stopped answering; "
                   "we had no secondary DNS provider.",
        actions=(("Add a secondary DNS provider", False),)),
    "inc-b2": postmortem(
        "inc-b2", "A deleted DNS record broke logins", "2020-02-11", category="dns", services=("auth",),
        root_cause="A cleanup of the DNS zone deleted the record for the login hostname and resolvers cached the "
                   "missing answer for an hour.",
        actions=(("Review DNS zone changes", True),)),
    "inc-c1": postmortem(
        "inc-c1", "Database failover left writes failing", "2020-09-09", category="database",
        services=("api", "orders"), severity="SEV-1", started="2020-09-09T15:00:00Z", resolved="2020-09-09T16:00:00Z",
        root_cause="After the primary database failed over to a replica, the connection pools kept connections to "
                   "the old primary, which was read-only, so every write failed.",
        actions=(("Recycle pools on failover", False),)),
}


def write_incidents(root: Path) -> Path:
    """INCIDENTS as Markdown files in `root/incidents`; the folder."""
    folder = root / "incidents"
    folder.mkdir()
    for incident_id, text in INCIDENTS.items():
        (folder / f"{incident_id}.md").write_text(text, encoding="utf-8")
    return folder


def check_shared_store(first, second, folder: Path) -> None:
    """Two Corpus objects on one store (two service workers or replicas, each with its own
    search indexes): what one imports or deletes shows in the other's search at once."""
    from reviewer.corpus.extract import record_from_markdown

    first.import_paths([folder])
    assert "inc-a3" in {m.incident.id for m in second.similar("certificate expired", k=5)}
    first.delete("inc-a3")
    assert "inc-a3" not in {m.incident.id for m in second.similar("certificate expired", k=5)}
    second.import_record(record_from_markdown(postmortem(
        "inc-z9", "Mail relay certificate expired", "2022-04-04", category="expiry",
        root_cause="The TLS certificate of the mail relay expired because its renewal job was disabled."),
        source="inc-z9.md"))
    assert "inc-z9" in {m.incident.id for m in first.similar("the mail relay certificate expired", k=5)}
    assert any("inc-z9" in group.incident_ids for group in first.root_causes())
