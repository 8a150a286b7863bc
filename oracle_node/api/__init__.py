"""The operator HTTP API (FastAPI): health, readiness, metrics, models, jobs, inferences."""
