"""Quality gates as asset checks on the raw assets: one multi-check per kind, one check per rule.

A check whose severity is ``block`` is a blocking check: when it fails, Dagster fails the
step, skips dbt and publish, and the run ends failed with the serving copy untouched.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration.resources import WorkspaceResource
from quality.checks import checks_for, severity
from quality.gate import run_gate
from quality.runner import CheckOutcome
from settings import KINDS, Settings


def _spec(kind: str, name: str, description: str, blocking: bool) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=dg.AssetKey(["raw", kind]), blocking=blocking, description=description)


def _result(outcome: CheckOutcome, new_rows: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", outcome.kind]),
        check_name=outcome.name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if outcome.severity == "block" else dg.AssetCheckSeverity.WARN,
        description=outcome.describe(),
        metadata={
            "failing_rows": dg.MetadataValue.int(outcome.failing_rows),
            "new_rows": dg.MetadataValue.int(new_rows),
            "files": dg.MetadataValue.text(", ".join(outcome.files)),
            "examples": dg.MetadataValue.text("\n".join(outcome.examples)),
        },
    )


def quality_gate(kind: str, settings: Settings) -> dg.AssetChecksDefinition:
    """The checks of one kind; blocking per the workspace's ``check_severity``."""
    specs = [_spec(kind, c.name, c.description, severity(c, settings) == "block") for c in checks_for(kind)]

    @dg.multi_asset_check(specs=specs, name=f"{kind}_quality_gate")
    def _gate(context: dg.AssetCheckExecutionContext, workspace: WorkspaceResource) -> Iterator[dg.AssetCheckResult]:
        report = run_gate(workspace.settings(), kind, context.run.run_id)
        for outcome in report.outcomes:
            if not outcome.passed:
                context.log.warning(outcome.describe())
            yield _result(outcome, report.new_rows)

    return _gate


def quality_gates(settings: Settings) -> list[dg.AssetChecksDefinition]:
    """One gate per input kind."""
    return [quality_gate(kind, settings) for kind in KINDS]
