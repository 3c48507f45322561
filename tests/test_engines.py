"""The gateway's engine book: bounded per session, and one workgroup look-up shared by concurrent callers."""

from __future__ import annotations

import anyio
import anyio.lowlevel

from athena_session_mcp.athena.engines import EngineBook

PYSPARK = "PySpark engine version 3"
SPARK_35 = "Apache Spark version 3.5"


def test_a_book_keeps_its_bound_of_sessions_and_forgets_the_least_recent_past_it() -> None:
    book = EngineBook(max_sessions=2)
    book.learn_session("a", PYSPARK)
    book.learn_session("b", SPARK_35)
    # At the bound: nothing forgotten.
    assert (book.session("a"), book.session("b")) == (PYSPARK, SPARK_35)
    book.learn_session("a", PYSPARK)  # learnt again: now the newest
    book.learn_session("c", SPARK_35)  # one past the bound: "b", the least recently learnt, goes
    assert (book.session("a"), book.session("b"), book.session("c")) == (PYSPARK, None, SPARK_35)


async def test_callers_waiting_on_a_look_up_read_what_it_learnt() -> None:
    book = EngineBook()
    event = book.start_asking("wg")
    seen: list[str | None] = []

    async def waiter() -> None:
        assert book.asking("wg") is event
        await event.wait()
        seen.append(book.workgroup("wg"))

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        tg.start_soon(waiter)
        await anyio.lowlevel.checkpoint()
        book.learn_workgroup("wg", SPARK_35)
        book.done_asking("wg")
    assert seen == [SPARK_35, SPARK_35]
    assert book.asking("wg") is None
