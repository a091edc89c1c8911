"""``propertytriage serve`` and ``propertytriage token``: the web's commands, registered by cli/main.py.

Kept here so the command line only names them: building the parser imports nothing of FastAPI.
"""

from __future__ import annotations

import argparse
from typing import Any

from propertytriage.web.roles import ROLES as ROLE_CHOICES


def add_commands(sub: Any) -> None:
    """Add ``serve`` and ``token`` to the command line's subparsers; each sets ``web_command``."""
    p = sub.add_parser("serve", help="serve the HTTP API / 启动 HTTP 服务")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--db", help="database URL (default: $PROPERTYTRIAGE_DB, else sqlite:///propertytriage.db)")
    p.add_argument("--body-limit", type=int, default=16 * 1024 * 1024, help="largest request body in bytes")
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                   help="reverse proxies trusted for X-Forwarded-* (default: 127.0.0.1)")
    p.add_argument("--keep-alive", type=float, default=5.0, metavar="SECONDS",
                   help="how long an idle connection is kept open (default 5; behind a proxy that keeps "
                        "connections to serve, longer than the proxy keeps them)")
    p.add_argument("--import-workers", type=int, default=1, metavar="N",
                   help="processes that record POST /v1/import, so imports never slow the answers to other "
                        "requests (default 1; 0: in the serving process, as a thread)")
    p.add_argument("--no-access-log", dest="access_log", action="store_false",
                   help="no line per request on standard output (behind a reverse proxy that keeps its own "
                        "access log; errors are still logged)")
    p.add_argument("--secure-cookies", action="store_true",
                   help="mark session cookies Secure even when the proxy does not say https")
    p.set_defaults(web_command=serve_command)

    p = sub.add_parser("token", help="API tokens / 接口令牌")
    tokens = p.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = tokens.add_parser("create", help="issue a token (printed once) / 签发令牌")
    create.add_argument("--role", required=True, choices=ROLE_CHOICES)
    create.add_argument("--name", required=True, help="who holds it; recorded on every event it causes")
    create.add_argument("--db", help="database URL")
    create.set_defaults(web_command=token_create_command)
    revoke = tokens.add_parser("revoke", help="end every live token of a name / 撤销令牌")
    revoke.add_argument("--name", required=True)
    revoke.add_argument("--db", help="database URL")
    revoke.set_defaults(web_command=token_revoke_command)

    from propertytriage.web.usercommands import add_user_command

    add_user_command(sub)


def serve_command(args: argparse.Namespace) -> int:
    """Run uvicorn on the app until interrupted."""
    import gc

    import uvicorn

    from propertytriage.ledger import Ledger
    from propertytriage.web.app import create_app
    from propertytriage.web.httpserver import uvicorn_options
    from propertytriage.web.importpool import ImportPool, shareable
    from propertytriage.web.tokens import SqlTokenStore

    ledger = Ledger(args.db)
    pool = None
    if args.import_workers > 0 and shareable(ledger.url):  # an in-memory database stays in this process
        pool = ImportPool(ledger.url, args.import_workers, batch_size=ledger.batch_size)
        pool.start()
    app = create_app(SqlTokenStore.from_url(args.db), body_limit=args.body_limit, ledger=ledger,
                     secure_cookies=args.secure_cookies, import_pool=pool)
    # The rule book, templates and fonts loaded above live as long as the process: kept out of the
    # cyclic collector's reach, a full collection no longer walks them in the middle of a request
    # (measured with benchmarks/bench_web.py: the paced triage p99 on one SQLite serve, docs/api.md).
    gc.collect()
    gc.freeze()
    try:
        uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True,
                    forwarded_allow_ips=args.forwarded_allow_ips, server_header=False, log_level="info",
                    access_log=args.access_log,
                    timeout_keep_alive=args.keep_alive, **uvicorn_options())
    finally:
        if pool is not None:
            pool.close()
    return 0


def token_create_command(args: argparse.Namespace) -> int:
    """Print a new token once; only its hash is kept."""
    import sys

    from propertytriage.web.tokens import SqlTokenStore

    issued = SqlTokenStore.from_url(args.db).create(args.name, args.role)
    print(issued.secret)
    print(f"令牌已签发给「{issued.name}」（角色 {issued.role}），只显示这一次，请妥善保存 / "
          f"token issued to {issued.name!r} (role {issued.role}); shown only once", file=sys.stderr)
    return 0


def token_revoke_command(args: argparse.Namespace) -> int:
    """End every live token of the name; exit 2 when there was none (a typo should not pass silently)."""
    import sys

    from propertytriage.web.tokens import SqlTokenStore

    ended = SqlTokenStore.from_url(args.db).revoke(args.name)
    if not ended:
        print(f"propertytriage: 没有名为「{args.name}」的有效令牌 / no live token named {args.name!r}",
              file=sys.stderr)
        return 2
    print(f"已撤销 {ended} 个令牌 / revoked {ended} token(s)", file=sys.stderr)
    return 0
