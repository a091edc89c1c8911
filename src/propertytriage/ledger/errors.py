"""The ledger's own error: the database cannot be opened, written or understood.

Invalid documents are not errors of the ledger: they are refused one by one (``InputError``) while
the rest are recorded.
"""

from __future__ import annotations

from propertytriage.errors import PropertyTriageError


class LedgerError(PropertyTriageError):
    """The ledger's database could not be opened, migrated or written."""

    code = "ledger"


# What the database drivers say most often when a write fails, in Chinese: the message's English half
# quotes the driver, and its Chinese half must not (a clerk reads one of them).
_DATABASE_REASONS_ZH = (
    ("readonly database", "数据库文件为只读（没有写入权限，或所在文件夹不可写）"),
    ("read-only", "数据库为只读"),
    ("disk is full", "磁盘空间已满"),
    ("no space left", "磁盘空间已满"),
    ("disk i/o error", "磁盘读写错误"),
    ("database is locked", "数据库正被其他程序占用，等待超时"),
    ("malformed", "数据库文件已损坏"),
    ("not a database", "该文件不是数据库"),
    ("connection refused", "无法连接数据库服务器"),
    ("password authentication failed", "数据库用户名或密码错误"),
)


def database_reason_zh(reason: object) -> str:
    """Why the database refused, in Chinese, from the driver's English message."""
    text = str(reason).lower()
    for fragment, zh in _DATABASE_REASONS_ZH:
        if fragment in text:
            return zh
    return "数据库拒绝了此操作（原因见英文说明）"
