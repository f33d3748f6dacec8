from __future__ import annotations

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str


class Part(BaseModel):
    ready: bool
    error: str | None = None


class CorpusPart(Part):
    incidents: int | None = Field(None, description="incidents in the store")
    seeding: bool = Field(False, description="the example corpus is being imported")


class Readiness(BaseModel):
    ready: bool
    models: Part = Field(description="spaCy pipeline loaded and warmed")
    store: CorpusPart = Field(description="store reachable and embedding model loaded")
    uptime_seconds: float
