"""Rules, one module each, grouped by category: structure/ blame/ time/ metrics/ detail/.

Codes are stable and never reused: PM0xx meta, PM1xx structure, PM2xx blame, PM3xx time,
PM4xx metrics, PM5xx detail. See reviewer.rules.base for how to write one.
"""
