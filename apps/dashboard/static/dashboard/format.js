// How figures read on the page: money as money, ratios as percentages, times in UTC with age.

export const DASH = "–";

export function money(value, currency = "USD") {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    maximumFractionDigits: 2,
    minimumFractionDigits: 2,
  }).format(value);
}

export function percent(ratio, digits = 2) {
  if (ratio === null || ratio === undefined) return DASH;
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function multiple(value) {
  if (value === null || value === undefined) return DASH;
  return `${value.toFixed(2)}×`;
}

export function units(value) {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 }).format(value);
}

export function age(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function utc(iso) {
  if (!iso) return DASH;
  const at = new Date(iso);
  const text = at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  return `${text} (${age((Date.now() - at.getTime()) / 1000)} ago)`;
}
