"""pmreview: review incident postmortems — blame, time, metrics, detail — and find similar past incidents."""

__version__ = "0.1.0"
