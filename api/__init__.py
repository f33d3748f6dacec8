"""The pmreview service: FastAPI app (api.app.create_app), run with api.server.serve or `python -m api`."""
