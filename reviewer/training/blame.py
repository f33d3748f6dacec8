"""The blame sentence classifier: data, training, model card.

    python -m reviewer.training.build blame           # retrain from data/training/blame.jsonl
    python -m reviewer.training.blame --write-data    # regenerate data/training/blame.jsonl

The labelled set is ours: hand-written sentences plus sentences composed from hand-written
parts (people, incident objects, actions, voices), seeded so the file is reproducible. Labels
follow the rubric: person-fault, human-error-cause, counterfactual, judgmental, none. Hard
negatives are most of it: named people doing neutral things, systems that "failed", "missed"
or "broke", counterfactuals about systems, denials of blame, quotes, technical uses of the
words ("lazy loading", "error budget", "missed the cache").

Features come from the spaCy parse (reviewer.nlp.blame_model.sentence_features), so training
parses every sentence once with the same pipeline the reviewer uses.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

from reviewer.resources import data_dir, models_dir

DATA_FILE = "blame.jsonl"
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


LABEL_WEIGHTS = {"none": 0.58, "person-fault": 0.14, "human-error-cause": 0.07, "counterfactual": 0.12,
                 "judgmental": 0.09}
GENERATORS = {"none": _neutral, "person-fault": _person_fault, "human-error-cause": _human_error,
              "counterfactual": _counterfactual, "judgmental": _judgmental}


def generate(total: int = 2400, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[str] = set()
    for text, label in HAND_WRITTEN:
        seen.add(text)
        rows.append({"text": text, "label": label, "source": "hand"})
    labels = list(LABEL_WEIGHTS)
    weights = [LABEL_WEIGHTS[x] for x in labels]
    attempts = 0
    while len(rows) < total and attempts < total * 50:
        attempts += 1
        label = rng.choices(labels, weights)[0]
        text = " ".join(GENERATORS[label](rng).split())
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


def make_pipeline():
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("features", HashingVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 3), n_features=2 ** 16,
                                       alternate_sign=False, norm="l2")),
        ("model", LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")),
    ])


def featurize(texts: list[str]) -> list[str]:
    from reviewer.nlp.blame_model import sentence_features
    from reviewer.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    return [sentence_features(doc) for doc in nlp.pipe(texts, batch_size=128)]


def _binary_figures(y_true: list[str], y_pred: list[str]) -> dict:
    tp = sum(1 for t, p in zip(y_true, y_pred) if t != "none" and p != "none")
    fp = sum(1 for t, p in zip(y_true, y_pred) if t == "none" and p != "none")
    fn = sum(1 for t, p in zip(y_true, y_pred) if t != "none" and p == "none")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0}


def build(data_path: Path | None = None, out_dir: Path | None = None, folds: int = 5) -> dict:
    import skops.io as sio
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rows = load_dataset(data_path)
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    features = featurize(texts)

    predicted = cross_val_predict(make_pipeline(), features, labels,
                                  cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED))
    report = classification_report(labels, predicted, output_dict=True, zero_division=0)
    binary = _binary_figures(labels, list(predicted))

    # A harder figure: trained on the composed sentences only, tested on the hand-written ones
    # (other words, other voices), so the shared parts of the composed set cannot inflate it.
    composed = [i for i, r in enumerate(rows) if r.get("source") != "hand"]
    hand = [i for i, r in enumerate(rows) if r.get("source") == "hand"]
    held_out = None
    if composed and hand:
        model = make_pipeline().fit([features[i] for i in composed], [labels[i] for i in composed])
        held_out = _binary_figures([labels[i] for i in hand], list(model.predict([features[i] for i in hand])))
        held_out["sentences"] = len(hand)

    pipeline = make_pipeline().fit(features, labels)
    target_dir = out_dir or models_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    sio.dump(pipeline, target_dir / "blame.skops")

    counts = Counter(labels)
    figures = {
        "sentences": len(rows), "labels": dict(sorted(counts.items())), "folds": folds,
        "blame_vs_none": binary,
        "per_label": {k: {m: round(v[m], 3) for m in ("precision", "recall", "f1-score")}
                      for k, v in report.items() if k in counts},
        "macro_f1": round(report["macro avg"]["f1-score"], 3),
        "hand_written_held_out": held_out,
    }
    (target_dir / "blame.md").write_text(model_card(figures), encoding="utf-8")
    return figures


def model_card(figures: dict) -> str:
    per_label = "\n".join(f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1-score']:.3f} |"
                          for k, v in figures["per_label"].items())
    counts = ", ".join(f"{k}: {v}" for k, v in figures["labels"].items())
    b = figures["blame_vs_none"]
    return f"""# Blame sentence classifier (`models/blame.skops`)

Scores a sentence for blameful phrasing; used by the blame rules (PM201–PM204) together with
the parse-based detector in `reviewer/nlp/blame.py`. The classifier never reports on its own:
it confirms weak parse signals (P ≥ 0.6) and vetoes strong ones it is sure are not blame
(P < 0.15); every finding's confidence combines both.

## Data

`data/training/blame.jsonl`: {figures['sentences']} sentences written for this project ({counts}).
Hand-written sentences plus sentences composed from hand-written parts (names, handles, roles,
pronouns; incident objects; omissions, breakages, fault adverbs; system failures; neutral
timeline actions), seeded and reproducible (`python -m reviewer.training.blame --write-data`).
Most of it is hard negatives: named people doing neutral things, systems that "failed",
"missed" or "broke", counterfactuals about systems, denials of blame, quoted chat lines,
technical uses ("lazy loading", "error budget"). No third-party postmortem text is in it.

Labels (as in the evaluation rubric): `person-fault`, `human-error-cause`, `counterfactual`,
`judgmental`, `none`.

## Features

From the spaCy parse the review already made (no second spaCy run): lemmas with people,
handles, numbers and times replaced by placeholders (`PER`, `NUM`, `NAME`), plus parse
markers (person subject / by-agent, thing subject, negation, passive, `if`, modal + have +
participle, fault adverb, fault verb, judgement word). Hashed 1–3-grams (2^16 features,
`HashingVectorizer`) into a multinomial logistic regression (C=4, balanced class weights).
P(blame) = 1 − P(none).

## Figures ({figures['folds']}-fold stratified cross-validation on the training set)

Blame vs none: precision {b['precision']:.3f}, recall {b['recall']:.3f}, F1 {b['f1']:.3f}. Macro F1 over the five labels: {figures['macro_f1']:.3f}.

| label | precision | recall | F1 |
|---|---|---|---|
{per_label}

These are figures on sentences like the training set; the composed sentences share parts, so
they overstate accuracy on real prose. A harder figure: trained on the composed sentences
only and tested on the {(figures['hand_written_held_out'] or {}).get('sentences', 0)} hand-written ones (other words, other voices), blame vs
none: precision {(figures['hand_written_held_out'] or {}).get('precision', float('nan')):.3f}, recall {(figures['hand_written_held_out'] or {}).get('recall', float('nan')):.3f}.
The classifier is deliberately not trusted on its own: it only gates the parse-based signals.

What matters is `benchmarks/bench_blame.py`, which
scores the rules + classifier on real, labelled postmortems.

## Rebuild

    .venv/bin/python -m reviewer.training.build blame
"""


if __name__ == "__main__":
    if "--write-data" in sys.argv[1:]:
        print(f"wrote {write_dataset()}")
    else:
        print(build())
