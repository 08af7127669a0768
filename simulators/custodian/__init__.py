"""Custodian simulator: master and segregated balances, settlements, transfers (own JSON API)."""
