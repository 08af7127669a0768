"""Step 3 of the cycle without its write: the stored sources of a portfolio, loaded and put
through the pure engine. Nothing is written here; ``risk_snapshot_store`` stores the result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apps.risk.evaluation.config import RiskSettings, risk_settings
from apps.risk.evaluation.equity import with_carried_drawdown
from apps.risk.evaluation.loaders import SourceData, build_inputs, load_sources
from apps.risk.timing import StageTimer
from riskmonitor.engine import EngineInputs, RiskAssessment, assess


@dataclass(frozen=True)
class RiskEvaluation:
    """One portfolio's figures at ``as_of``, with the data and inputs they came from."""

    portfolio_id: int
    as_of: datetime
    settings: RiskSettings
    data: SourceData
    inputs: EngineInputs
    assessment: RiskAssessment


def risk_evaluation(*, portfolio_id: int, as_of: datetime, timer: StageTimer) -> RiskEvaluation:
    settings = risk_settings()
    with timer.stage("load"):
        data = load_sources(portfolio_id=portfolio_id, as_of=as_of, settings=settings)
    with timer.stage("build"):
        inputs = build_inputs(data, settings)
    with timer.stage("engine"):
        assessment = with_carried_drawdown(assess(inputs, settings.params), data.equity_state)
    return RiskEvaluation(portfolio_id, as_of, settings, data, inputs, assessment)
