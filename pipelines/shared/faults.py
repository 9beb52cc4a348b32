"""Faults of ours (not of the delivered file), described without anything from the file.

An exception's own text may quote the data it choked on: a database error lists the rows it was
inserting, a pandas error the cell it could not parse. So a fault is described by its kind and,
for database errors, the SQLSTATE code only; the exception text never reaches a message, a log
or a report.
"""
from __future__ import annotations


class PipelineFault(RuntimeError):
    """A step failed for a reason of ours; its message is safe to print and log."""


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None)
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(code) if code else None


def describe_fault(stage: str, error: BaseException) -> str:
    """One line saying what kind of fault stopped `stage` (e.g. 'loading'), free of data."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        kind = type(error.orig).__name__ if error.orig is not None else type(error).__name__
        code = _sqlstate(error)
        return (f"the warehouse refused the file while {stage} ({kind}{f', SQLSTATE {code}' if code else ''}); "
                "nothing of it was published. The contract checks should have caught this: please report it "
                "as a pipeline fault")
    if isinstance(error, PipelineFault):
        return str(error)
    if isinstance(error, MemoryError):
        return f"the pipeline ran out of memory while {stage}; nothing of the file was published"
    if isinstance(error, OSError):
        return (f"a file-system error ({type(error).__name__}, errno {error.errno}) while {stage}; "
                "nothing of the file was published")
    return (f"an unexpected {type(error).__name__} while {stage}; nothing of the file was published. "
            "Please report it as a pipeline fault")
