"""The parts of one risk evaluation that are neither services nor selectors: the configuration
it uses (`config`), stored rows mapped to engine inputs (`loaders` and its helpers), the carried
equity and backtest state, the headline figures picked from the result, and the calculation
trace. Plain Python and numpy over the selectors' rows, called by
`apps.risk.selectors.evaluation`."""
