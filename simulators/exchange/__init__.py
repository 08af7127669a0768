"""Exchange simulator speaking a subset of Binance spot (`/api/v3`) and USDⓈ-M futures (`/fapi`)."""
