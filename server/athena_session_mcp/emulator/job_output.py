"""Realistic output of failed calculations: what their stderr objects in S3 hold.

The texts follow the shape of PySpark 3 and JVM error output (a Python traceback ending in an
AnalysisException; a Java OutOfMemoryError with Spark's task failure lines). The service writes each
calculation's stdout/stderr to <WorkingDirectory><calculation id>/std{out,err}.txt when it ends
(User Guide: "The stdout, stderr, and results outputs for your calculations are written to your query
results bucket location in Amazon S3").
"""

from __future__ import annotations

from .canned import CannedResult

__all__ = [
    "ANALYSIS_EXCEPTION_CODE",
    "ANALYSIS_EXCEPTION_RESULT",
    "ANALYSIS_EXCEPTION_STDERR",
    "OUT_OF_MEMORY_STDERR",
    "out_of_memory_result",
]

ANALYSIS_EXCEPTION_CODE = "spark.table('sales.orders_eu').groupBy('region').count().show()"
ANALYSIS_EXCEPTION_STDERR = """\
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File "/usr/lib/spark/python/lib/pyspark.zip/pyspark/sql/session.py", line 1420, in table
    return DataFrame(self._jsparkSession.table(tableName), self)
  File "/usr/lib/spark/python/lib/py4j-src.zip/py4j/java_gateway.py", line 1322, in __call__
    return_value = get_return_value(
  File "/usr/lib/spark/python/lib/pyspark.zip/pyspark/errors/exceptions/captured.py", line 185, in deco
    raise converted from None
pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orders_eu` cannot be found. Verify the spelling and correctness of the schema and catalog.
If you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.;
'UnresolvedRelation [sales, orders_eu], [], false
"""
ANALYSIS_EXCEPTION_RESULT = CannedResult(
    stderr=ANALYSIS_EXCEPTION_STDERR,
    failure_reason=(
        "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orders_eu` cannot be found."
    ),
    run_seconds=4,
)

OUT_OF_MEMORY_STDERR = """\
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File "/usr/lib/spark/python/lib/pyspark.zip/pyspark/sql/readwriter.py", line 1721, in parquet
    self._jwrite.parquet(path)
py4j.protocol.Py4JJavaError: An error occurred while calling o412.parquet.
: org.apache.spark.SparkException: Job aborted due to stage failure: Task 17 in stage 4.0 failed 4 times, most recent failure: Lost task 17.3 in stage 4.0 (TID 233) (executor 3): java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)
\tat org.apache.spark.sql.catalyst.expressions.UnsafeRow.copy(UnsafeRow.java:495)
\tat org.apache.spark.sql.execution.aggregate.ObjectAggregationMap.getAggregationBuffer(ObjectAggregationMap.scala:63)
\tat org.apache.spark.scheduler.ResultTask.runTask(ResultTask.scala:93)
Driver stacktrace:
\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2785)
Caused by: java.lang.OutOfMemoryError: Java heap space
"""


def out_of_memory_result(run_seconds: float) -> CannedResult:
    """A long write that dies with an executor OutOfMemoryError (its session fails with it)."""
    return CannedResult(stderr=OUT_OF_MEMORY_STDERR, run_seconds=run_seconds)
