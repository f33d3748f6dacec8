"""`python -m api [--host H] [--port P] [--config FILE]`: the same as `pmreview serve`."""

from __future__ import annotations

import argparse
import os
import sys

from reviewer.errors import PmreviewError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Run the pmreview review service.")
    parser.add_argument("--host", default=os.environ.get("PMREVIEW_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=os.environ.get("PMREVIEW_PORT") or 8000)
    parser.add_argument("--config", default=None, help="service config file (TOML)")
    args = parser.parse_args(argv)
    from api.server import serve

    try:
        serve(host=args.host, port=args.port, config=args.config)
    except PmreviewError as exc:
        print(f"pmreview: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
