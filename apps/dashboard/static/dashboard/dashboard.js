// The live dashboard: first the REST API's figures, then the WebSocket's state and events
// applied in place (no reload). Each panel is drawn from the latest data it was given, and
// the page says plainly when that data is stale or the circuit breaker is open.

import { DASH, age, money, multiple, percent, units, utc } from "./format.js";
import { LiveFeed } from "./live.js";

const settings = JSON.parse(document.getElementById("dashboard-settings").textContent);
const portfolio = settings.portfolio;
const refreshMs = settings.refresh_interval_seconds * 1000;
const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]").value;

const view = {
  currency: "USD",
  snapshot: null, // the /api/v1/risk/status body (what risk.update carries)
  lastUpdateAt: null, // when this page last received a snapshot
  breaker: null,
  alerts: new Map(), // alert id -> alert as /api/v1/alerts/active lists it
  connection: "connecting",
};

const $ = (id) => document.getElementById(id);

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (response.status === 401 || response.status === 403) {
    window.location.assign(`/login/?next=${encodeURIComponent(window.location.pathname)}`);
  }
  if (!response.ok) return null;
  return response.json();
}

function portfolioQuery() {
  return portfolio ? `?portfolio=${encodeURIComponent(portfolio.name)}` : "";
}

// ---- overview ----------------------------------------------------------------------------

function setFigure(field, raw, shown, tone) {
  const node = document.querySelector(`#overview [data-field="${field}"]`);
  if (!node) return;
  node.textContent = shown;
  node.dataset.value = raw === null || raw === undefined ? "" : String(raw);
  node.classList.toggle("negative", tone === "negative");
  node.classList.toggle("positive", tone === "positive");
}

function tone(value) {
  if (value === null || value === undefined || value === 0) return "";
  return value < 0 ? "negative" : "positive";
}

function renderOverview() {
  const s = view.snapshot;
  if (!s || !$("overview")) return;
  $("overview").dataset.snapshotId = String(s.snapshot_id);
  const cur = view.currency;
  setFigure("equity", s.equity, money(s.equity, cur));
  setFigure("daily_pnl", s.pnl.daily_pnl, money(s.pnl.daily_pnl, cur), tone(s.pnl.daily_pnl));
  setFigure("total_pnl", s.pnl.total_pnl, money(s.pnl.total_pnl, cur), tone(s.pnl.total_pnl));
  setFigure("historical_var_99", s.var.historical_var_99, money(s.var.historical_var_99, cur));
  setFigure("parametric_var_99", s.var.parametric_var_99, money(s.var.parametric_var_99, cur));
  setFigure("expected_shortfall_99", s.var.expected_shortfall_99, money(s.var.expected_shortfall_99, cur));
  setFigure("leverage", s.exposure.leverage, multiple(s.exposure.leverage));
  setFigure("drawdown", s.drawdown.drawdown, percent(s.drawdown.drawdown), tone(s.drawdown.drawdown));
  const backtest = s.var_backtest.actual || s.var_backtest.hypothetical;
  const zone = backtest ? backtest.zone : null;
  setFigure("backtest_zone", zone, zone ? `${zone} (${backtest.exceptions} exceptions / ${backtest.observations} d)` : DASH);
  $("snapshot-id").textContent = String(s.snapshot_id);
  $("snapshot-as-of").textContent = utc(s.as_of);
  const stale = s.stale_sources.map((source) => source.source);
  $("stale-sources").textContent = stale.length ? `stale inputs: ${stale.join(", ")}` : "no stale inputs";
}

function renderDeltas() {
  const body = $("deltas-body");
  if (!body || !view.snapshot) return;
  body.replaceChildren();
  for (const [asset, delta] of Object.entries(view.snapshot.exposure.deltas).sort()) {
    const tr = document.createElement("tr");
    tr.dataset.asset = asset;
    tr.dataset.usd = delta.usd === null ? "" : String(delta.usd);
    const usd = delta.usd_complete ? money(delta.usd, view.currency) : `${money(delta.usd, view.currency)} (incomplete)`;
    tr.append(text("td", asset), text("td", units(delta.units), "num"), text("td", usd, `num ${tone(delta.usd)}`));
    body.append(tr);
  }
}

// ---- P&L timeline ------------------------------------------------------------------------

const DURATION_MS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
const pnl = { points: [], interval: settings.pnl_intervals[0] || "1m" };

function durationMs(duration) {
  const match = /^(\d+)([smhd])$/.exec(duration);
  return match ? Number(match[1]) * DURATION_MS[match[2]] : 6e4;
}

function pnlPoint(at, total, daily) {
  return { t: Date.parse(at), total, daily };
}

async function loadPnlHistory() {
  if (!$("pnl-chart")) return;
  const named = portfolio ? `&portfolio=${encodeURIComponent(portfolio.name)}` : "";
  const body = await getJson(`/api/v1/portfolio/pnl?history=${settings.chart_history_hours}h${named}`);
  if (!body) return;
  const live = pnl.points;
  pnl.points = body.history.map((p) => pnlPoint(p.as_of, p.total_pnl, p.daily_pnl));
  const newest = pnl.points.length ? pnl.points[pnl.points.length - 1].t : 0;
  pnl.points.push(...live.filter((p) => p.t > newest));
  renderPnl();
}

function addPnlPoint(snapshot) {
  const point = pnlPoint(snapshot.as_of, snapshot.pnl.total_pnl, snapshot.pnl.daily_pnl);
  const last = pnl.points[pnl.points.length - 1];
  if (last && point.t <= last.t) return;
  pnl.points.push(point);
  const horizon = Date.now() - settings.chart_history_hours * 36e5;
  while (pnl.points.length && pnl.points[0].t < horizon) pnl.points.shift();
  renderPnl();
}

function renderPnl() {
  const chart = $("pnl-chart");
  if (!chart || !window.Plotly) return;
  const step = durationMs(pnl.interval);
  const buckets = new Map(); // bucket start -> the bucket's last point
  for (const point of pnl.points) buckets.set(Math.floor(point.t / step) * step, point);
  const starts = [...buckets.keys()];
  const x = starts.map((t) => new Date(t).toISOString());
  const last = starts.map((t) => buckets.get(t));
  chart.dataset.points = String(starts.length);
  // The whole window, so that a young history reads as young rather than stretched.
  const windowRange = [new Date(Date.now() - settings.chart_history_hours * 36e5).toISOString(), new Date(Date.now() + step).toISOString()];
  for (const button of document.querySelectorAll(".interval")) {
    button.setAttribute("aria-pressed", String(button.dataset.interval === pnl.interval));
  }
  window.Plotly.react(chart, [
    { type: "bar", name: "daily P&L", x, y: last.map((p) => p.daily), width: step * 0.8, marker: { color: last.map((p) => ((p.daily || 0) < 0 ? "#e5534b" : "#3fb950")) } },
    { type: "scatter", mode: "lines+markers", name: "total P&L", x, y: last.map((p) => p.total), line: { color: "#58a6ff", width: 2 }, marker: { size: 4 } },
  ], plotLayout({ margin: { l: 70, r: 20, t: 10, b: 40 }, height: 300, xaxis: { type: "date", title: { text: "UTC" }, range: windowRange },
    yaxis: { tickprefix: "$" }, legend: { orientation: "h" } }), { displayModeBar: false, responsive: true });
}

for (const button of document.querySelectorAll(".interval")) {
  button.addEventListener("click", () => {
    pnl.interval = button.dataset.interval;
    renderPnl();
  });
}

// ---- breaker -----------------------------------------------------------------------------

function renderBreaker() {
  const breaker = view.breaker;
  const open = breaker !== null && breaker.state === "open";
  document.body.classList.toggle("breaker-open", open);
  const banner = $("breaker-banner");
  banner.hidden = !open;
  banner.dataset.state = breaker ? breaker.state : "unknown";
  if (open) {
    const detail = breaker.reason_detail ? `: ${breaker.reason_detail}` : "";
    banner.textContent = `CIRCUIT BREAKER OPEN — ${breaker.reason || "tripped"}${detail} — since ${utc(breaker.tripped_at)}`;
  }
  const state = breaker ? breaker.state : null;
  setFigure("breaker", state, state ? state.toUpperCase() : DASH, open ? "negative" : "");
}

// ---- staleness ---------------------------------------------------------------------------

function staleReason() {
  if (!view.snapshot) return "no risk snapshot yet";
  if (view.lastUpdateAt === null || Date.now() - view.lastUpdateAt > 2 * refreshMs) {
    return `no update for ${age((Date.now() - (view.lastUpdateAt || 0)) / 1000)}`;
  }
  const asOfAge = Date.now() - new Date(view.snapshot.as_of).getTime();
  if (asOfAge > 2 * refreshMs) return `snapshot is ${age(asOfAge / 1000)} old`;
  if (view.snapshot.stale_sources.length) return "inputs stale";
  return null;
}

function renderStale() {
  const reason = staleReason();
  const marker = $("stale-marker");
  marker.dataset.stale = reason ? "true" : "false";
  marker.textContent = reason ? `STALE: ${reason}` : "LIVE";
  document.body.classList.toggle("stale", Boolean(reason));
  if (view.snapshot) $("snapshot-as-of").textContent = utc(view.snapshot.as_of);
}

function renderConnection(state, detail) {
  view.connection = state;
  const node = $("connection");
  node.dataset.state = state;
  node.textContent = state === "reconnecting" ? `reconnecting in ${Math.round(detail / 1000)} s` : state;
}

// ---- positions and heatmap ---------------------------------------------------------------

function renderPositions(heatmap) {
  const body = $("positions-body");
  if (!body) return;
  body.replaceChildren();
  const bySymbol = new Map();
  for (const cell of heatmap.cells) {
    const row = bySymbol.get(cell.symbol) || { size: 0, exposure: 0, pnl: 0, venues: [] };
    row.size += cell.size;
    row.exposure += cell.exposure || 0;
    row.pnl += cell.total_pnl || 0;
    row.venues.push(`${cell.venue} ${units(cell.size)}`);
    bySymbol.set(cell.symbol, row);
  }
  for (const [symbol, row] of [...bySymbol.entries()].sort()) {
    const tr = document.createElement("tr");
    tr.dataset.symbol = symbol;
    tr.append(text("td", symbol), text("td", units(row.size), "num"),
      text("td", money(Math.abs(row.exposure), view.currency), "num"),
      text("td", money(row.pnl, view.currency), `num ${tone(row.pnl)}`),
      text("td", row.venues.join(" · "), "venues"));
    body.append(tr);
  }
  if (!bySymbol.size) body.append(text("tr", "no positions"));
}

const COLOR_SCALES = {
  red_green: [[0, "#c62828"], [0.5, "#eeeeee"], [1, "#2e7d32"]],
  blue_orange: [[0, "#1565c0"], [0.5, "#eeeeee"], [1, "#ef6c00"]],
  monochrome: [[0, "#222222"], [1, "#dddddd"]],
};

const plotLayout = (extra) => ({
  margin: { l: 110, r: 20, t: 10, b: 40 },
  paper_bgcolor: "#161b22",
  plot_bgcolor: "#161b22",
  font: { color: "#e6edf3" },
  ...extra,
});

function renderHeatmap(heatmap) {
  const chart = $("heatmap-chart");
  if (!chart || !window.Plotly) return;
  const cells = heatmap.cells;
  const biggest = Math.max(1, ...cells.map((c) => Math.abs(c.size_value || 0)));
  const trace = {
    type: "scatter",
    mode: "markers",
    x: cells.map((c) => c.symbol),
    y: cells.map((c) => c.venue),
    text: cells.map((c) => `${c.venue} ${c.symbol}<br>size ${units(c.size)}<br>notional ${money(c.notional)}<br>P&L ${money(c.total_pnl)}<br>group ${c.group}`),
    hoverinfo: "text",
    marker: {
      size: cells.map((c) => 8 + 40 * Math.sqrt(Math.abs(c.size_value || 0) / biggest)),
      color: cells.map((c) => c.total_pnl || 0),
      colorscale: COLOR_SCALES[heatmap.color_scheme] || COLOR_SCALES.red_green,
      cmid: 0,
      showscale: true,
      colorbar: { title: { text: "P&L" } },
      line: { color: "#888", width: 1 },
    },
  };
  window.Plotly.react(chart, [trace], plotLayout({ xaxis: { type: "category" }, yaxis: { type: "category" } }), { displayModeBar: false, responsive: true });
}

// ---- limits ------------------------------------------------------------------------------

function renderLimits(body) {
  const chart = $("limits-chart");
  if (!chart || !window.Plotly) return;
  const display = settings.limits_display;
  const limits = body.limits.filter((l) => l.enabled);
  const values = limits.map((l) => (l.utilization === null ? 0 : Math.abs(l.utilization) * 100));
  const colour = (v) => (v >= display.alert_at_utilization * 100 ? "#e5534b" : v >= display.warn_at_utilization * 100 ? "#d29922" : "#3fb950");
  const trace = {
    type: "bar",
    orientation: "h",
    y: limits.map((l) => (window.innerWidth < 600 ? l.limit_key.split(".").slice(1).join(".") || l.limit_key : l.limit_key)),
    x: values,
    text: limits.map((l, i) => (l.utilization === null ? "no reading" : display.show_utilization_percentage ? `${values[i].toFixed(1)}%` : "")),
    textposition: "auto",
    marker: { color: values.map(colour) },
    hoverinfo: "y+text",
  };
  const line = (x, color) => ({ type: "line", x0: x, x1: x, yref: "paper", y0: 0, y1: 1, line: { color, dash: "dash", width: 2 } });
  chart.dataset.snapshotId = String(body.snapshot_id);
  window.Plotly.react(chart, [trace], plotLayout({
    height: Math.max(220, 28 * limits.length + 60),
    xaxis: { title: { text: "utilization %" }, range: [0, Math.max(110, ...values.map((v) => v + 5))] },
    yaxis: { automargin: true },
    shapes: [line(display.warn_at_utilization * 100, "#d29922"), line(display.alert_at_utilization * 100, "#e5534b")],
  }), { displayModeBar: false, responsive: true });
}

// ---- alerts ------------------------------------------------------------------------------

function ackForm(alert, draft) {
  const form = document.createElement("form");
  form.className = "ack";
  const input = document.createElement("input");
  input.name = "comment";
  input.required = true;
  input.placeholder = "comment (required)";
  input.setAttribute("aria-label", `comment for alert-${alert.id}`);
  input.value = draft || "";
  const button = text("button", "Acknowledge");
  button.type = "submit";
  const problem = text("span", "", "error");
  form.append(input, button, problem);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    acknowledge(alert.id, input.value, problem);
  });
  return form;
}

async function acknowledge(id, comment, problem) {
  const response = await fetch("/api/v1/alerts/acknowledge", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify({ alert_id: id, comment }),
  });
  const body = await response.json();
  if (!response.ok) {
    problem.textContent = errorText(body, response.statusText);
    return;
  }
  view.alerts.set(body.id, body);
  renderAlerts();
}

function renderAlerts() {
  const list = $("alerts");
  if (!list) return;
  const drafts = new Map([...list.querySelectorAll("li")].map((li) => [li.dataset.alertId, li.querySelector("input[name=comment]")?.value]));
  const alerts = [...view.alerts.values()]
    .sort((a, b) => Math.abs(b.utilization || 0) - Math.abs(a.utilization || 0))
    .slice(0, settings.max_alerts);
  list.replaceChildren();
  for (const alert of alerts) {
    const li = document.createElement("li");
    li.dataset.alertId = String(alert.id);
    li.dataset.status = alert.status;
    li.dataset.severity = alert.severity;
    li.dataset.breachType = alert.breach_type;
    li.dataset.scope = alert.scope || "";
    li.style.borderLeftColor = settings.severity_colors[alert.severity] || "#888";
    const head = document.createElement("div");
    head.append(text("span", alert.severity.toUpperCase(), "severity"), text("span", ` ${alert.limit_key} ${alert.scope || ""} `),
      text("span", `${percent(alert.utilization, 1)} of limit`, "num"), text("span", ` · ${alert.status}`, "status"));
    const when = text("div", `opened ${utc(alert.opened_at)} · current ${units(alert.current)} / limit ${units(alert.limit)} ${alert.unit || ""}`, "meta");
    li.append(head, when);
    if (alert.acknowledged_by) {
      li.append(text("div", `acknowledged by ${alert.acknowledged_by}: ${alert.ack_comment}`, "ack-note"));
    }
    if (settings.can_acknowledge && alert.status === "open") {
      li.append(ackForm(alert, drafts.get(String(alert.id))));
    }
    list.append(li);
  }
  $("alert-count").textContent = String(view.alerts.size);
}

function beep() {
  if (!settings.alert_sound_enabled || !window.AudioContext) return;
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch (error) {
    console.info("alert sound unavailable", error);
  }
}

// ---- data sources ------------------------------------------------------------------------

function renderSources(body) {
  const tbody = $("sources-body");
  tbody.replaceChildren();
  for (const venue of body.venues) {
    for (const source of venue.sources) {
      const tr = document.createElement("tr");
      tr.dataset.stale = String(source.stale);
      const state = source.stale ? `stale (${source.stale_reason})` : "ok";
      tr.append(text("td", venue.venue), text("td", source.source), text("td", state, source.stale ? "negative" : "positive"), text("td", age(source.age_seconds), "num"));
      tbody.append(tr);
    }
  }
}

// ---- what-if -----------------------------------------------------------------------------

const WHATIF_FIGURES = [
  ["equity", "Equity", money], ["total_pnl", "Total P&L", money], ["gross_notional", "Gross notional", money],
  ["leverage", "Leverage", multiple], ["var_hist_99", "VaR 99% (hist.)", money], ["es_99", "Expected shortfall 99%", money],
];

function errorText(body, fallback) {
  if (!body || !body.error) return fallback;
  const fields = Object.entries(body.error.fields || {}).map(([k, v]) => `${k}: ${[].concat(v).join("; ")}`);
  // A conflict's message often is its one field's reason already: say it once.
  const parts = fields.some((f) => f.includes(body.error.message)) ? fields : [body.error.message, ...fields];
  return parts.join(" — ");
}

function whatIfTrade(form) {
  const data = new FormData(form);
  const trade = { venue: data.get("venue"), account: data.get("account"), symbol: data.get("symbol"),
    kind: data.get("kind"), side: data.get("side"), size: Number(data.get("size")) };
  if (data.get("price")) trade.price = Number(data.get("price"));
  return trade;
}

async function whatIf(event) {
  event.preventDefault();
  $("whatif-error").textContent = "";
  const response = await fetch(`/api/v1/risk/what-if${portfolioQuery()}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify({ trades: [whatIfTrade(event.target)] }),
  });
  const body = await response.json();
  if (!response.ok) {
    $("whatif-error").textContent = errorText(body, response.statusText);
    return;
  }
  renderWhatIf(body);
}

function row(cells, className) {
  const tr = document.createElement("tr");
  if (className) tr.className = className;
  tr.append(...cells.map(([content, cls]) => text("td", content, cls)));
  return tr;
}

function renderWhatIf(body) {
  const figures = document.createElement("table");
  figures.append(row([["Figure"], ["Before"], ["After"], ["Change"]], "head"));
  for (const [key, label, show] of WHATIF_FIGURES) {
    figures.append(row([[label], [show(body.before[key]), "num"], [show(body.after[key]), "num"], [show(body.change[key]), "num"]]));
  }
  const limits = document.createElement("table");
  limits.append(row([["Limit"], ["Before"], ["After"]], "head"));
  if (body.limit_utilization.source === "limits") {
    const before = new Map(body.limit_utilization.before.map((r) => [`${r.limit_key}|${r.scope}`, r]));
    for (const after of body.limit_utilization.after) {
      const was = before.get(`${after.limit_key}|${after.scope}`);
      if (was && was.utilization === after.utilization) continue;
      const tr = row([[`${after.limit_key} ${after.scope}`], [percent(was ? was.utilization : null, 1), "num"],
        [percent(after.utilization, 1), `num ${after.breached ? "negative" : ""}`]]);
      tr.dataset.limitKey = after.limit_key;
      tr.dataset.after = String(after.utilization);
      limits.append(tr);
    }
  }
  const result = $("whatif-result");
  result.replaceChildren(figures, text("h3", "Limit utilization that changes"), limits);
  result.dataset.asOf = body.as_of;
}

// ---- loading -----------------------------------------------------------------------------

let panelsSnapshot = null;

async function refreshPanels() {
  const snapshotId = view.snapshot ? view.snapshot.snapshot_id : null;
  if (snapshotId !== null && snapshotId === panelsSnapshot) return;
  panelsSnapshot = snapshotId;
  const query = portfolioQuery();
  const [heatmap, limits, sources] = await Promise.all([
    settings.panels.show_position_details ? getJson(`/api/v1/dashboard/position-heatmap${query}`) : null,
    settings.panels.show_risk_metrics ? getJson(`/api/v1/dashboard/limit-utilization${query}`) : null,
    getJson("/api/v1/data-sources/connectivity"),
  ]);
  if (heatmap) { renderPositions(heatmap); renderHeatmap(heatmap); }
  if (limits) renderLimits(limits);
  if (sources) renderSources(sources);
}

function takeSnapshot(snapshot) {
  view.snapshot = snapshot;
  view.lastUpdateAt = Date.now();
  renderOverview();
  renderDeltas();
  addPnlPoint(snapshot);
  renderStale();
  refreshPanels();
}

async function loadOverREST() {
  const query = portfolioQuery();
  const [metrics, status, alerts] = await Promise.all([
    getJson(`/api/v1/dashboard/risk-metrics${query}`),
    getJson(`/api/v1/risk/status${query}`),
    getJson(`/api/v1/alerts/active?page_size=${settings.max_alerts}${portfolio ? `&portfolio_id=${portfolio.id}` : ""}`),
  ]);
  if (metrics) {
    view.currency = metrics.currency;
    if (!view.breaker) view.breaker = metrics.breaker;
    renderBreaker();
  }
  if (alerts && view.connection !== "live") {
    view.alerts = new Map(alerts.alerts.map((a) => [a.id, a]));
    renderAlerts();
  }
  if (status && !view.snapshot) takeSnapshot(status);
  else refreshPanels();
}

function mine(portfolioId) {
  return portfolio !== null && portfolioId === portfolio.id;
}

function onState(state) {
  const snapshot = state.snapshots.find((s) => mine(s.portfolio_id));
  view.alerts = new Map(state.alerts.filter((a) => mine(a.portfolio_id)).map((a) => [a.id, a]));
  const breaker = state.breakers.find((b) => mine(b.portfolio_id));
  if (breaker) view.breaker = breaker;
  renderBreaker();
  renderAlerts();
  if (snapshot) takeSnapshot(snapshot);
}

function onEvent(frame) {
  if (!mine(frame.portfolio_id)) return;
  if (frame.type === "risk.update") {
    takeSnapshot(frame.data);
  } else if (frame.type === "breaker.changed") {
    view.breaker = frame.data;
    renderBreaker();
  } else if (frame.type.startsWith("alert.")) {
    if (frame.type === "alert.resolved") view.alerts.delete(frame.data.id);
    else view.alerts.set(frame.data.id, frame.data);
    if (frame.type === "alert.opened") beep();
    renderAlerts();
  }
}

document.title = settings.title;
$("whatif-form").addEventListener("submit", whatIf);
loadPnlHistory();
loadOverREST();
new LiveFeed({ onState, onEvent, onStatus: renderConnection }).start();
window.setInterval(renderStale, 1000);
