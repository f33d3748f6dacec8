"""Compositional training data for the root-cause classifier, written for this project.

    python -m reviewer.training.root_cause_phrases     # rewrites data/training/root_causes_generated.jsonl

Each category has hand-written cause clauses (past tense, fit to follow "after", "because",
"when") and contributing factors; they are put into texts of many registers — one-line
summaries, status-page updates, news-like summaries, postmortem root-cause paragraphs, terse
ticket notes — with impacts shared by every category (so the impact words carry no category)
and fixes typical of the cause. Nothing here comes from ../shared/eval. Deterministic (seed).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

# Cause clauses per category: what broke and why, in several voices.
CAUSES: dict[str, list[str]] = {
    "config-change": [
        "a configuration push set the connection limit on the proxies to zero",
        "an engineer changed a routing rule that sent all traffic to a single region",
        "a feature flag was switched on for every customer instead of the pilot group",
        "a typo in a YAML file disabled the health checks for the whole pool",
        "a new firewall rule blocked the port the payment service listens on",
        "a rate-limit setting was entered in seconds where the system expected minutes",
        "someone edited the load balancer settings and removed the backend pool by mistake",
        "a change to the access control list cut the app servers off from the cache",
        "the team rolled out a tuning change to timeouts that was far too aggressive",
        "a misconfigured replication setting was applied to every cluster at once",
        "an updated config file with an invalid value was distributed to the whole fleet",
        "a policy change in the identity service revoked permissions the workers needed",
        "the new autoscaling policy had its minimum and maximum swapped",
        "a config management run overwrote the production settings with staging values",
        "a global setting for the CDN was changed and cached pages started failing",
        "an operator updated the traffic weights and left one backend with all requests",
        "a change to the network security group denied traffic between two tiers",
        "an environment variable was renamed in the deployment manifest but not in the service",
        "a bad value was pushed to the dynamic configuration store and every client reloaded it",
        "we changed the retry settings of the queue consumer, which then stopped acknowledging messages",
        "a misconfiguration in the storage account settings made blobs unreachable",
        "an incorrect network configuration was applied to a set of routers during a change",
        "the allowlist was replaced rather than appended to, locking out most partners",
        "a configuration change meant to raise a limit lowered it instead",
        "a flag flip in the control plane turned off request validation everywhere",
        "someone modified the TLS settings on the edge and dropped support for older clients",
    ],
    "deploy-bug": [
        "a new release contained a bug that crashed the API on startup",
        "the latest deployment introduced a regression in the login handler",
        "a code change shipped that afternoon leaked a connection on every request",
        "version 4.2 of the worker had a null pointer bug in the new parsing code",
        "a software update rolled out to the hosts had a defect in its network driver",
        "a change deployed to production broke the serialization of order records",
        "the new build was released to all servers at once and its bug hit every region",
        "a faulty deployment of the billing service double-charged some customers",
        "a firmware update pushed to the storage controllers contained a bug",
        "a recently merged pull request changed a query and made it scan the whole table",
        "the rollout of a new client library introduced an infinite retry loop",
        "a hotfix shipped without tests broke the checkout page",
        "an update to the scheduler shipped with an off-by-one error in its batching code",
        "a deploy of the mobile backend included a migration the old code could not read",
        "the new version of the agent crashed on hosts with an older kernel",
        "a code push removed an index the search service still relied on",
        "a bug in the new caching layer, released that morning, served stale data",
        "the canary passed but the full rollout exposed a bug in the new code path",
        "a deployment replaced a library with an incompatible major version",
        "a regression in the latest image made the pods fail their readiness checks",
        "an update to the software running on the gateways had a memory corruption bug",
        "a software change deployed the previous day mishandled a new request type",
    ],
    "latent-bug": [
        "a race condition that had existed for years finally triggered under a rare timing",
        "a long-standing bug in the failover logic surfaced when two nodes restarted together",
        "an integer counter overflowed after the process had run for many months",
        "an edge case in the parser, untouched for a long time, crashed on an unusual input",
        "a bug in the open source library we depend on caused a deadlock under load",
        "a latent defect in the kernel caused hosts to hang when a timer wrapped around",
        "a dormant bug in the retry code turned a brief error into a cascading failure",
        "an old bug in the leader election code let two leaders run at once",
        "a rarely used code path had a bug that nobody had hit before",
        "a malformed message that the consumer had never seen sent it into a crash loop",
        "a bug in the garbage collector caused long pauses once the heap grew past a size",
        "an unhandled exception in existing code brought down the service when a field was empty",
        "a software bug in the storage system corrupted an index after an unexpected restart",
        "a subtle bug in how the cache evicted entries was triggered by an unusual access pattern",
        "a hidden bug in the load balancer software made it drop connections after a rare event",
        "a bug in the error handling path, present since launch, amplified a small failure",
        "code that had worked for years failed when the input size crossed a threshold",
        "a bug in the cluster manager mishandled a node that rejoined with the same name",
        "a flaw in the consensus implementation showed up only when the network was slow",
        "an assertion in old code fired on data it had never expected and the process exited",
        "a memory safety bug in a third-party parsing library was triggered by a specific request",
        "a regular expression with catastrophic backtracking pinned the CPUs when a certain string arrived",
    ],
    "capacity-overload": [
        "traffic tripled during a product launch and the servers could not keep up",
        "a marketing email sent to all users caused a surge of requests beyond capacity",
        "a viral post drove far more visitors than the site was provisioned for",
        "load was not balanced evenly and one cluster received most of the requests",
        "clients retried failed requests so aggressively that the retry storm overwhelmed the backend",
        "a thundering herd of reconnecting clients swamped the service after a brief blip",
        "the holiday peak exceeded the planned capacity of the checkout service",
        "a single large customer started a bulk job that saturated the shared cluster",
        "autoscaling did not add instances fast enough for the spike in demand",
        "a cache cold start sent every request straight to the origin servers",
        "the remaining nodes could not absorb the load after one zone was drained",
        "an unexpected surge in sign-ups overloaded the authentication service",
        "demand grew faster than capacity planning had predicted",
        "a batch job and the daily peak overlapped and overloaded the queue workers",
        "too many requests hit a hot partition and overloaded it",
        "a new client version polled the API every second and multiplied the load",
        "a sports event drove a spike of traffic well beyond what the system had been tested for",
        "the service was under-provisioned for the number of concurrent users",
        "a load imbalance left a few hosts handling nearly all connections",
        "the backlog of queued work after recovery overloaded the downstream services",
        "a crawler sent a flood of legitimate but heavy requests that exhausted capacity",
    ],
    "resource-exhaustion": [
        "the disk on the primary log server filled up and writes failed",
        "a memory leak grew until the processes were killed by the out-of-memory killer",
        "the service ran out of file descriptors",
        "the connection pool to the backing store was exhausted",
        "the volume ran out of inodes because of millions of small temporary files",
        "the application hit its thread limit and stopped accepting work",
        "the account reached its API quota and further calls were rejected",
        "the cluster ran out of IP addresses in its subnet and new pods could not start",
        "logs were not rotated and consumed all free disk space",
        "the message queue grew until the broker ran out of memory",
        "an unbounded cache kept growing until the hosts started swapping",
        "the 32-bit id column reached its maximum value and inserts were rejected",
        "the build servers ran out of disk space for artifacts",
        "ephemeral ports were exhausted on the NAT gateway",
        "a handle leak slowly used up the operating system's limit",
        "the job scheduler ran out of worker slots because finished jobs were never released",
        "the storage quota for the bucket was reached",
        "a leak of database connections left the service unable to open new ones",
        "the heap filled up after a change in data shape and the JVMs spent all their time in garbage collection",
        "temporary tables filled the scratch disk",
        "the service exhausted its burst credits and was throttled to a fraction of its throughput",
    ],
    "expiry": [
        "the TLS certificate on the public endpoint expired",
        "an SSL certificate for the API domain lapsed because automatic renewal had silently failed",
        "the domain registration expired and the name stopped resolving",
        "a signing key used by the auth service reached its expiry date",
        "an intermediate certificate in the chain expired",
        "the credentials used by the sync job expired and were not rotated",
        "a license key for the database cluster expired overnight",
        "the certificate on the internal service mesh ran past its validity period",
        "an API token with a one-year lifetime expired",
        "the code signing certificate expired and updates were rejected",
        "the root certificate trusted by older devices expired",
        "a password for the service account expired under the directory's policy",
        "the renewal reminder for the wildcard certificate went to a mailbox nobody read",
        "a cached certificate past its end date was still being served by the proxies",
        "the client certificates of the devices reached their expiration date",
        "the OAuth secret for the integration expired",
        "the SSL cert on the storefront lapsed",
        "our HTTPS cert ran past its valid-until date",
        "the TLS cert the mobile app pins stopped being valid",
        "the cert for the internal CA was allowed to run out",
    ],
    "time": [
        "a leap second made servers spin at full CPU",
        "the daylight saving time change made a scheduled job run twice",
        "clock skew between hosts caused tokens to be rejected as not yet valid",
        "a date calculation failed on the 29th of February",
        "the NTP servers sent a wrong time and clocks jumped forward by hours",
        "a time zone conversion bug scheduled jobs at the wrong hour",
        "the year rollover produced dates the system could not parse",
        "a timestamp in local time instead of UTC broke the ordering of events",
        "the clock on the database host drifted and replication checks failed",
        "a counter of seconds since an epoch wrapped around",
        "the end of daylight saving time made an hour of data appear twice",
        "hosts with a stale time source disagreed about which leases had expired",
        "a cron expression written for one time zone ran in another after servers moved",
        "the week-number calculation broke at the start of a new year",
        "GPS week rollover gave the time servers a date decades in the past",
    ],
    "dns": [
        "the DNS records for the main domain were deleted",
        "the authoritative nameservers stopped answering queries",
        "a bad record was published to the DNS zone",
        "the internal resolvers were overloaded and lookups timed out",
        "the DNS provider had an outage and names could not be resolved",
        "a change to the DNS zone set a wrong address for the API host",
        "the TTL was set very long, so a wrong record stayed cached for hours",
        "the DNS resolver cache was poisoned with stale entries",
        "a DNSSEC signing failure made validating resolvers reject the zone",
        "service discovery returned no addresses after the DNS servers restarted",
        "the domain's delegation at the registrar pointed to old nameservers",
        "the CNAME for the CDN was removed during a cleanup",
        "the DNS automation removed records for healthy endpoints",
        "hosts could not resolve internal names because the resolver configuration was empty",
        "a DNS migration left half the records missing from the new provider",
    ],
    "network": [
        "a fiber cut between two data centers partitioned the network",
        "a BGP route leak sent traffic for our prefixes to the wrong network",
        "a core switch dropped packets after its routing table filled",
        "a network partition split the cluster in two",
        "packet loss on a transit link made requests time out",
        "a router failure isolated one availability zone",
        "a misbehaving network card flooded the segment with traffic",
        "the link between the regions became congested",
        "MTU mismatch on a new tunnel dropped large packets",
        "the load balancer lost connectivity to its backends after a network event",
        "a spanning tree loop took the office network down",
        "routes were withdrawn from the internet and the data center became unreachable",
        "the VPN tunnel to the partner network went down",
        "an upstream ISP had routing problems that made the service unreachable for some users",
        "connectivity between the application tier and storage was lost",
        "a flapping link caused repeated route recalculations",
    ],
    "hardware-power": [
        "a power outage hit the data center and the backup generators failed to start",
        "a UPS failed during a utility power cut",
        "a disk failed in the storage array and a second one failed during the rebuild",
        "a cooling failure made the servers overheat and shut down",
        "a faulty memory module caused a host to crash repeatedly",
        "a power distribution unit in one rack failed",
        "a hardware fault in the network switch took a rack offline",
        "lightning struck near the facility and power was lost",
        "a storage controller failed and the volume went read-only",
        "several hard drives failed at once in the same batch",
        "a failed power supply took down the primary database server",
        "a chiller failure raised the temperature in the server room",
        "a bad batch of SSDs started returning errors",
        "a server's motherboard failed",
        "the utility grid had an outage and the transfer to battery power did not work",
        "a fire suppression test cut power to a hall of servers",
        "a failing CPU produced silent computation errors on a few machines",
    ],
    "database": [
        "the primary database failed over and the replica that took over was far behind",
        "a long-running query held a lock on the orders table",
        "a schema migration locked a large table for hours",
        "replication between the database nodes broke",
        "the database ran a slow query plan after its statistics changed",
        "a split brain left two database primaries accepting writes",
        "the database cluster lost quorum",
        "a missing index made a common query scan millions of rows",
        "vacuum could not keep up and the table bloated until queries slowed",
        "the connection limit on the database server was reached",
        "an automatic failover of the database did not complete",
        "replication lag grew so large that reads returned old data",
        "a deadlock between two transactions blocked the write path",
        "the database's transaction id counter neared wraparound and it refused writes",
        "the search index and the database fell out of sync",
        "the ORM generated a query that overloaded the database",
    ],
    "dependency": [
        "our cloud provider had an outage in the region we run in",
        "a third-party payment processor stopped responding",
        "the upstream identity provider was down",
        "a vendor's API started returning errors",
        "the SaaS monitoring service we rely on had an incident",
        "an external email delivery provider suffered an outage",
        "a package registry outage broke our builds",
        "the CDN vendor had a global incident",
        "a partner's service changed its API without notice",
        "the hosting provider's storage service failed",
        "an upstream service owned by another team became unavailable",
        "a third-party SMS gateway stopped delivering messages",
        "the managed queue service from our provider had degraded performance",
        "an open source mirror we download from went offline",
        "the maps provider rate-limited us unexpectedly",
        "the object storage of the cloud vendor returned errors across the region",
        "the external fraud-check service timed out",
    ],
    "operational-command": [
        "an engineer ran a command against production instead of staging",
        "an operator mistyped a parameter and removed far more servers than intended",
        "a cleanup script deleted the live data directory",
        "a manual failover was started on the wrong cluster",
        "during maintenance, an engineer restarted all nodes at the same time",
        "a command meant to drain one host drained the whole pool",
        "an administrator accidentally dropped a production table",
        "someone rebooted the wrong server while troubleshooting",
        "a maintenance procedure was run out of order",
        "an engineer decommissioned machines that were still in use",
        "a manual database operation was run on the primary instead of a replica",
        "a playbook was executed with the wrong inventory",
        "during planned maintenance a step removed capacity that was still serving traffic",
        "an operator cleared a queue that held unprocessed customer orders",
        "a routine maintenance task took longer than planned and a step was skipped",
        "a debugging session left a host in a state that blocked traffic",
        "an engineer ran a migration by hand against every shard at once",
    ],
    "security": [
        "a distributed denial-of-service attack flooded the login endpoint",
        "an attacker used leaked credentials to access the admin console",
        "a vulnerability in the web framework was exploited",
        "access keys committed to a public repository were used by an attacker",
        "a malicious package was published under the name of one of our dependencies",
        "an attacker took over an employee account through phishing",
        "ransomware encrypted the file servers",
        "a botnet sent credential stuffing attempts against the sign-in service",
        "a misconfigured bucket exposed customer files to the internet",
        "a compromised build server inserted malicious code",
        "an insider with excessive permissions exported customer data",
        "a zero-day exploit was used against the mail servers",
        "our defences blocked legitimate traffic while mitigating an attack",
        "session tokens were stolen through a cross-site scripting flaw",
        "an attacker abused the password reset flow",
    ],
    "data-loss": [
        "a bug deleted user records and the backups turned out to be incomplete",
        "data was corrupted during a migration and had to be restored",
        "the backup job had silently failed for weeks when a restore was needed",
        "a replication error propagated a deletion to every copy",
        "customer uploads were lost when a storage node was wiped",
        "a sync process overwrote newer files with older versions",
        "a restore from backup lost the last day of transactions",
        "a retention policy deleted data that was still needed",
        "write-ahead logs were removed before they had been archived",
        "an encoding bug corrupted stored messages",
        "a script that compacted data dropped rows it misread as duplicates",
        "snapshots were taken of an inconsistent state and could not be restored",
        "the data in the analytics store was silently truncated",
        "a checksum mismatch showed that months of stored files were damaged",
    ],
    "process-other": [
        "the on-call engineer was not paged because the escalation policy was out of date",
        "a change was made without review and nobody knew about it during the incident",
        "two teams worked on the same system without coordinating",
        "the runbook was out of date and the responders followed the wrong steps",
        "the incident was not declared for hours because nobody owned the alert",
        "customers were not told about planned downtime",
        "the handover between shifts lost the context of an ongoing problem",
        "the alert went to a channel that nobody monitored",
        "there was no clear owner for the service, so the fix waited",
        "the status page was updated late and support was flooded with questions",
        "the team lacked the access needed to fix the problem quickly",
        "documentation for the recovery procedure did not exist",
        "a communication gap between vendor and team delayed the response",
        "the cause could not be determined from the data that was available",
    ],
}

# Causes in the voice of a cloud provider's incident report: formal, about "a subset of
# customers", "the platform", "engineers determined" — a register of its own.
VENDOR_CAUSES: dict[str, list[str]] = {
    "config-change": [
        "a configuration change to the network devices in the region was applied with an incorrect value",
        "a change to the service's configuration was deployed that inadvertently disabled a required setting",
        "an incorrect configuration was propagated to the frontend instances as part of routine operations",
        "a configuration update to the traffic management layer removed healthy endpoints from rotation",
        "a change made to the access policy blocked requests from a set of internal services",
    ],
    "deploy-bug": [
        "a recent deployment to the service contained a code defect",
        "an update to the platform introduced a regression that was not detected during validation",
        "a software change rolled out as part of a planned update contained a bug in the request handling code",
        "a new version of the storage software, deployed to a subset of clusters, contained an error",
        "a code change in the latest release caused the service to fail under a specific condition",
        "a deployment of an update to the backend introduced a defect that caused processes to crash",
        "a change to the service code, rolled out through the normal safe deployment process, had a defect that only showed at scale",
        "an update to the gateway software changed how retries were handled and the new logic was faulty",
        "a new build of the control plane shipped with an error in how it parsed requests",
        "a platform update applied to the compute hosts contained a bug that made virtual machines restart",
        "a change introduced in the latest rollout made the service reject valid tokens",
        "the update that went out in the weekly release train contained a defect in its caching code",
        "a recent change to the code that manages storage partitions contained a logic error",
        "a software update to the network devices had a flaw that dropped sessions after it was installed",
        "a deployment to the identity service introduced a regression in token validation",
        "an upgrade of the service's runtime contained an incompatibility that caused workers to crash",
    ],
    "latent-bug": [
        "a previously unknown software bug in the platform was triggered by an unusual sequence of events",
        "a latent issue in the service's failover logic was exposed when a node became unhealthy",
        "a code defect that had existed for some time was triggered by a rare race condition",
        "an unexpected interaction between two components exposed a bug in existing code",
    ],
    "capacity-overload": [
        "an unexpected increase in traffic exceeded the available capacity in the region",
        "a significant spike in requests overwhelmed the frontend instances",
        "load was not distributed evenly and a subset of instances became overloaded",
        "the service did not have enough capacity to absorb the traffic redirected from another region",
    ],
    "resource-exhaustion": [
        "the nodes in the cluster exhausted their available memory",
        "a resource limit on the backend was reached, and new requests could not be served",
        "storage capacity on a set of nodes was exhausted",
    ],
    "dependency": [
        "an upstream dependency experienced an outage that affected the service",
        "a third-party network provider experienced a failure",
        "a dependent service owned by another team became unavailable",
    ],
    "hardware-power": [
        "a power disruption in one datacenter caused a set of servers to shut down",
        "a line card in a core switch failed and the switch stopped forwarding traffic",
        "a utility power event and a subsequent failure of the backup power system affected a datacenter",
        "a cooling system failure in one datacenter caused hardware to shut down to protect itself",
    ],
    "network": [
        "a fiber cut affected connectivity between datacenters in the region",
        "a routing issue in the backbone network caused connectivity loss for a subset of customers",
    ],
    "dns": ["a problem with the DNS service caused name resolution failures for a subset of endpoints"],
    "expiry": ["a certificate used by the service expired and was not renewed in time"],
    "operational-command": [
        "during a planned maintenance activity, a step was performed incorrectly and removed capacity that was still in use",
        "a manual operation performed by an engineer during troubleshooting targeted the wrong set of nodes",
        "a maintenance operation on the storage cluster did not complete as expected and left nodes unavailable",
        "an operator error during routine maintenance took a set of servers out of service",
    ],
    "database": ["the backend database for the service experienced a failover that did not complete as expected"],
    "security": ["a volumetric distributed denial-of-service attack targeted the service's public endpoints"],
    "process-other": ["the root cause has not been determined and engineers continue to investigate"],
}

VENDOR_TEMPLATES = [
    "Customer impact: from 09:10 to 11:45 UTC, some customers found that {impact_lower}. "
    "Root cause: engineers determined that {cause}. Mitigation: {fix}",
    "Preliminary root cause: our investigation found that {cause}.",
    "What went wrong and why? {Cause}. {factor} How did we respond? {fix}",
    "Root Cause: {Cause}, which meant that {impact_lower} for customers in the region.",
    "Engineers identified that {cause}. {fix} We are reviewing our processes to prevent a recurrence.",
]

# Contributing factors per category (a second sentence in longer texts).
FACTORS: dict[str, list[str]] = {
    "config-change": ["The change skipped the staged rollout.", "Config changes were not validated before they were applied.",
                      "The setting was applied to every region at the same time.", "No one reviewed the configuration diff."],
    "deploy-bug": ["The release was rolled out to all hosts without a canary.", "The test suite did not cover that path.",
                   "The rollback took long because the build had been promoted everywhere.", "The bug was introduced in the last release."],
    "latent-bug": ["The bug had been in the code for years.", "Nothing had changed recently; the condition was simply rare.",
                   "The code path had never been exercised in production.", "The defect was not caught by any test."],
    "capacity-overload": ["Capacity planning had not accounted for the peak.", "There was no load shedding.",
                          "Autoscaling reacted too slowly.", "The system had never been load tested at that volume."],
    "resource-exhaustion": ["There was no alert on free space.", "The limit had been set years ago and never revisited.",
                            "Usage had been growing slowly for months.", "Nothing cleaned up the old files."],
    "expiry": ["Renewal was a manual step.", "There was no monitoring of expiry dates.",
               "The reminder went to a former employee.", "Auto-renewal had been failing silently."],
    "time": ["The code assumed every day has 24 hours.", "Servers used local time instead of UTC.",
             "No test covered the calendar edge case.", "Time synchronisation was not monitored."],
    "dns": ["The records had a long TTL, so caches kept the bad answer.", "DNS changes had no review step.",
            "There was a single DNS provider.", "Resolvers had no fallback."],
    "network": ["There was no redundant path.", "Traffic did not fail over to the backup link.",
                "The network team was alerted late.", "Both links ran through the same conduit."],
    "hardware-power": ["The spare hardware was not on site.", "The generator had not been tested under load.",
                       "Both power feeds shared one breaker.", "The hardware was past its service life."],
    "database": ["The failover had never been rehearsed.", "Slow query logging was off.",
                 "The migration was not tested on a production-sized copy.", "Replication lag was not alerted on."],
    "dependency": ["We had no fallback provider.", "The vendor's status page was slow to acknowledge the issue.",
                   "Our timeouts for the external call were too long.", "The dependency was a single point of failure."],
    "operational-command": ["The tool did not ask for confirmation.", "The command was run by hand rather than through automation.",
                            "Production and staging looked the same in the terminal.", "The procedure had no second reviewer."],
    "security": ["Rate limiting was not in place for that endpoint.", "Multi-factor authentication was not enforced.",
                 "The patch had not been applied.", "The credentials had not been rotated."],
    "data-loss": ["Backups had never been test-restored.", "There was no point-in-time recovery.",
                  "Deletes were not soft deletes.", "Checksums were not verified."],
    "process-other": ["Ownership was unclear.", "The on-call rotation had gaps.",
                      "There was no incident commander.", "The procedure was not written down."],
}

# Fixes per category.
FIXES: dict[str, list[str]] = {
    "config-change": ["We reverted the configuration change.", "The setting was rolled back.", "Restoring the previous config resolved it."],
    "deploy-bug": ["We rolled back the release.", "A fix was deployed.", "Reverting to the previous version restored service."],
    "latent-bug": ["We patched the bug.", "A code fix for the edge case was released.", "Restarting the affected processes cleared it until a fix shipped."],
    "capacity-overload": ["We added capacity.", "We scaled out the cluster and enabled rate limiting.", "Traffic was shed until more servers came online."],
    "resource-exhaustion": ["We freed space and raised the limit.", "Restarting the processes released the memory.", "The quota was increased."],
    "expiry": ["The certificate was renewed.", "We issued new credentials.", "The domain was renewed."],
    "time": ["We corrected the clocks.", "The job was rescheduled in UTC.", "A patch for the date handling was released."],
    "dns": ["The records were restored.", "We moved to the secondary DNS provider.", "Flushing the resolver caches restored name resolution."],
    "network": ["Traffic was rerouted.", "The link was repaired.", "The routes were restored."],
    "hardware-power": ["Power was restored.", "The failed hardware was replaced.", "Servers were moved to healthy racks."],
    "database": ["We failed back to the healthy primary.", "The blocking query was killed.", "An index was added."],
    "dependency": ["Service recovered when the provider fixed their issue.", "We switched to a backup vendor.", "The vendor resolved the problem on their side."],
    "operational-command": ["The servers were restored from automation.", "We re-ran the correct procedure.", "The deleted resources were recreated."],
    "security": ["The attack was mitigated.", "Credentials were revoked.", "The vulnerable component was patched."],
    "data-loss": ["Data was restored from the last good backup.", "Most records were rebuilt from logs.", "Affected customers were contacted."],
    "process-other": ["The escalation policy was updated.", "We clarified ownership.", "The runbook was rewritten."],
}

IMPACTS = [
    "Customers saw errors", "The website was unavailable", "API requests failed", "Logins failed for most users",
    "Latency rose sharply", "Payments could not be processed", "The mobile app could not load feeds",
    "Some users could not reach the dashboard", "Requests timed out", "Uploads failed", "Search returned no results",
    "Messages were delayed", "The service returned 500 errors", "Checkout was degraded", "Video playback stopped",
    "Builds failed for all customers", "Email delivery was delayed", "Customers in one region lost access",
    "Page loads were slow", "Background jobs stopped", "Some queries against the reporting database timed out",
    "Storage operations were degraded", "Virtual machines could not be created",
    # Impacts naming systems (databases, queues, caches, clouds): every category has them, so
    # that a system's name alone says nothing about the cause.
    "Writes to the Postgres cluster failed", "The Cassandra nodes stopped serving reads", "Kafka consumers fell behind",
    "The Redis cache returned errors", "MySQL replicas were unavailable", "Requests to the S3 buckets failed",
    "The Elasticsearch cluster went red", "The Kubernetes control plane was unresponsive", "etcd lost quorum",
    "Database queries slowed to a crawl", "The load balancers returned 503s", "Connections to the database were refused",
    "The queue backed up", "Traffic to the data center dropped", "Servers in one rack became unreachable",
    "Hosts were rebooting", "Customers could not reach the vendor-hosted pages", "Memory use on the hosts climbed",
]
SERVICES = ["the API", "checkout", "the login service", "search", "the storefront", "the billing platform", "the CI service",
            "the chat app", "the video service", "the storage service", "the sync service", "the admin console",
            "the maps backend", "the notification pipeline", "the compute service", "the payments API"]
COMPANIES = ["Acme", "Northwind", "Globex", "Initech", "Umbrella Cloud", "Hooli", "Vandelay", "Stark Hosting",
             "Wayne Data", "Contoso", "Fabrikam", "Tailspin", "Litware", "Blue Yonder Air", "Pied Piper"]
DURATIONS = ["20 minutes", "an hour", "three hours", "most of the day", "45 minutes", "two hours", "ten minutes", "six hours"]

TEMPLATES = [  # (register, template)
    ("one-line", "{Service} outage: {cause}."),
    ("one-line", "{Cause}."),
    ("one-line", "{impact} because {cause}."),
    ("one-line", "{impact} after {cause}."),
    ("news", "{company} suffered a {duration} outage of {service} when {cause}."),
    ("news", "{company} was down for {duration} after {cause}. {fix}"),
    ("news", "{company}: {cause}, and {impact_lower} for {duration}."),
    ("status", "Update: we have identified the cause of the issue affecting {service}. {Cause}. {fix} We will keep monitoring."),
    ("status", "Resolved - Between 14:05 and 15:10 UTC {impact_lower}. The issue was caused because {cause}. {fix}"),
    ("status", "We are investigating reports that {impact_lower}. Early findings show that {cause}."),
    ("postmortem", "Root cause: {Cause}. {factor} {fix}"),
    ("postmortem", "The root cause was that {cause}. {factor}"),
    ("postmortem", "{Cause}. {factor} As a result, {impact_lower} for {duration}. {fix}"),
    ("postmortem", "At 09:12 {cause}. {impact} shortly after, and on-call was paged. {factor} {fix}"),
    ("postmortem", "What happened: {impact_lower}. Why: {cause}. Contributing factor: {factor_lower}"),
    ("ticket", "cause - {cause}; impact - {impact_lower}; fix - {fix_lower}"),
    ("ticket", "RCA: {cause} ({duration})."),
    ("question", "Why did {service} fail? Because {cause}."),
    ("layered", "{other_cap}. That alone would have been harmless: the outage happened because {cause}."),
    ("layered", "{impact} when {other}, but the root cause was that {cause}."),
    ("layered", "It first looked as if {other}. The investigation found that {cause}. {fix}"),
    ("layered", "{Cause}, which meant that {impact_lower} when {other}."),
]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def generate(seed: int = 13, per_clause: int = 8) -> list[dict]:
    """Texts for every cause clause in `per_clause` registers, with the register named.

    The "layered" texts put a symptom or trigger from another category beside the cause, and
    are labelled by the cause: the category is what made it fail, not every word in the text."""
    rng = random.Random(seed)
    rows = []
    others = [(c, clause) for c, clauses in CAUSES.items() for clause in clauses]
    for category, clauses in CAUSES.items():
        for cause in clauses:
            for register, template in rng.sample(TEMPLATES, per_clause):
                impact, fix, factor = rng.choice(IMPACTS), rng.choice(FIXES[category]), rng.choice(FACTORS[category])
                service = rng.choice(SERVICES)
                other = rng.choice([clause for c, clause in others if c != category])
                text = template.format(
                    cause=cause, Cause=_cap(cause), impact=impact, impact_lower=_lower(impact),
                    service=service, Service=_cap(service), company=rng.choice(COMPANIES),
                    duration=rng.choice(DURATIONS), fix=fix, fix_lower=_lower(fix).rstrip("."),
                    factor=factor, factor_lower=_lower(factor), other=other, other_cap=_cap(other))
                rows.append({"text": text, "category": category, "register": register})
    for category, clauses in VENDOR_CAUSES.items():
        for cause in clauses:
            for template in VENDOR_TEMPLATES:
                text = template.format(cause=cause, Cause=_cap(cause), impact_lower=_lower(rng.choice(IMPACTS)),
                                       fix=rng.choice(FIXES[category]), factor=rng.choice(FACTORS[category]))
                rows.append({"text": text, "category": category, "register": "vendor-report"})
    return rows


OUTPUT = "root_causes_generated.jsonl"


def write(folder: Path) -> Path:
    path = folder / OUTPUT
    path.write_text("".join(json.dumps(row) + "\n" for row in generate()), encoding="utf-8")
    return path


if __name__ == "__main__":
    from reviewer.resources import data_dir

    print(write(data_dir() / "training"))
