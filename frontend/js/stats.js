// Statistics: the public figures (counts only, no personal data) from GET /api/stats — totals as big
// numbers, the last days as a bar chart drawn in inline SVG with a data table beside it, and the
// same figures per service; and the visits of one day (GET /api/stats/visits) per service point and counter.

import { apiGet } from "./api.js";
import { doneLoading, h, showError, showLoading } from "./dom.js";
import { fill } from "./forms.js";
import { addMessages, applyTranslations, formatNumber, intl, locale, onLangChange, pick, t } from "./i18n.js";
import { formatDate, jakartaDate } from "./status.js";

addMessages({
  id: {
    "stats.title": "Statistik layanan — Satu Pintu",
    "stats.heading": "Statistik layanan",
    "stats.lead":
      "Jumlah permohonan daring, diperbarui setiap kali sebuah status berubah. Tidak ada data pribadi di halaman ini.",
    "stats.totals_heading": "Seluruh permohonan",
    "stats.submitted": "Diajukan",
    "stats.new": "Menunggu diperiksa",
    "stats.in_process": "Diproses",
    "stats.returned": "Dikembalikan",
    "stats.issued": "Terbit",
    "stats.rejected": "Ditolak",
    "stats.totals_note":
      "“Diajukan” menghitung semua permohonan yang pernah masuk; angka lainnya adalah keadaannya sekarang.",
    "stats.daily_heading": "Permohonan per hari",
    "stats.chart_title": "Permohonan per hari, {from} sampai {to}",
    "stats.chart_desc":
      "Diagram batang: dalam {n} hari, {submitted} diajukan, {issued} terbit dan {rejected} ditolak. Hari tersibuk {busiest} dengan {most} permohonan diajukan.",
    "stats.chart_desc_empty": "Diagram batang: belum ada permohonan dalam {n} hari ini.",
    "stats.table_summary": "Lihat angka harian dalam tabel",
    "stats.date": "Tanggal",
    "stats.by_service_heading": "Menurut layanan",
    "stats.service": "Layanan",
    "stats.by_service_empty": "Belum ada permohonan.",
    "stats.as_of": "Data per {time} WIB.",
    "stats.visits_heading": "Kunjungan ke tempat layanan",
    "stats.visits_lead": "Per tempat layanan dan loket pada satu hari: yang memesan, yang masuk, yang ditolak di pintu karena suhu tinggi, dan yang tidak datang.",
    "stats.visits_date": "Tanggal (WIB)",
    "stats.visits_show": "Tampilkan",
    "stats.visits_caption": "Kunjungan {date}",
    "stats.visits_place": "Tempat layanan / loket",
    "stats.visits_booked": "Dipesan",
    "stats.visits_checked_in": "Masuk",
    "stats.visits_refused": "Ditolak",
    "stats.visits_no_show": "Tidak datang",
    "stats.visits_site_total": "{site} (semua loket)",
    "stats.visits_empty": "Tidak ada kunjungan yang dipesan untuk {date}.",
  },
  en: {
    "stats.title": "Service statistics — Satu Pintu",
    "stats.heading": "Service statistics",
    "stats.lead": "Online applications, counted every time a status changes. This page holds no personal data.",
    "stats.totals_heading": "All applications",
    "stats.submitted": "Submitted",
    "stats.new": "Waiting for review",
    "stats.in_process": "In process",
    "stats.returned": "Returned",
    "stats.issued": "Issued",
    "stats.rejected": "Rejected",
    "stats.totals_note":
      "“Submitted” counts every application ever received; the other figures are where they stand now.",
    "stats.daily_heading": "Applications per day",
    "stats.chart_title": "Applications per day, {from} to {to}",
    "stats.chart_desc":
      "Bar chart: in {n} days, {submitted} submitted, {issued} issued and {rejected} rejected. The busiest day was {busiest} with {most} applications submitted.",
    "stats.chart_desc_empty": "Bar chart: no applications in these {n} days yet.",
    "stats.table_summary": "See the daily figures as a table",
    "stats.date": "Date",
    "stats.by_service_heading": "By service",
    "stats.service": "Service",
    "stats.by_service_empty": "No applications yet.",
    "stats.as_of": "Figures as of {time} WIB.",
    "stats.visits_heading": "Visits to service points",
    "stats.visits_lead": "Per service point and counter on one day: who booked, who came in, who was refused at the door for a high temperature, and who did not come.",
    "stats.visits_date": "Date (WIB)",
    "stats.visits_show": "Show",
    "stats.visits_caption": "Visits on {date}",
    "stats.visits_place": "Service point / counter",
    "stats.visits_booked": "Booked",
    "stats.visits_checked_in": "Checked in",
    "stats.visits_refused": "Refused",
    "stats.visits_no_show": "No-show",
    "stats.visits_site_total": "{site} (all counters)",
    "stats.visits_empty": "No visits were booked for {date}.",
  },
});
applyTranslations();

const container = document.getElementById("stats");
const DAYS = 30;
const PHONE_DAYS = 14;
const TOTALS = ["submitted", "new", "in_process", "returned", "issued", "rejected"];
// The chart's series and colours (each at least 3:1 against white; the legend's swatches repeat them in
// site.css); the table carries every figure.
const SERIES = [
  { key: "submitted", colour: "#1d70b8" },
  { key: "issued", colour: "#00703c" },
  { key: "rejected", colour: "#d4351c" },
];
const DAY_COLUMNS = ["submitted", "issued", "rejected", "returned"];
const SVG = "http://www.w3.org/2000/svg";

let stats = null;
let names = new Map();
let loadedAt = null;
let chartBox = null;
let chartRange = null;
let drawnWidth = 0;
let visits = null; // {date, sites} for the chosen day, or {error}
let visitsSection = null;
const VISIT_COLUMNS = ["booked", "checked_in", "refused", "no_show"];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children.filter(Boolean));
  return el;
}

const num = (n) => formatNumber(n || 0);
const shortDate = (iso) =>
  intl("DateTimeFormat", locale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(`${iso}T00:00:00Z`),
  );

/** Round up to 1, 2 or 5 × a power of ten, so the axis reads in round numbers. */
function niceCeiling(value) {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value);
  return step * power;
}

function totalsSection(totals) {
  return [
    h("h2", { class: "heading-l", id: "totals-heading" }, t("stats.totals_heading")),
    h(
      "dl",
      { class: "stat-grid", id: "totals" },
      TOTALS.map((key) =>
        h(
          "div",
          { class: `stat stat--${key}` },
          h("dt", { class: "stat__label" }, t(`stats.${key}`)),
          h("dd", { class: "stat__number", id: `total-${key}` }, num(totals[key])),
        ),
      ),
    ),
    h("p", { class: "hint" }, t("stats.totals_note")),
  ];
}

function shownDays(width) {
  const days = stats.by_day || [];
  return days.slice(-(width < 500 ? PHONE_DAYS : DAYS));
}

function drawChart() {
  if (!chartBox) return;
  const width = Math.max(280, Math.floor(chartBox.clientWidth));
  drawnWidth = width;
  const days = shownDays(width);
  const height = 240; // .chart__canvas (css/site.css) keeps this much room until the chart is drawn
  const margin = { top: 12, right: 8, bottom: 28, left: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const most = Math.max(0, ...days.map((d) => Math.max(...SERIES.map((s) => d[s.key] || 0))));
  const top = niceCeiling(most);
  const y = (v) => margin.top + plotH - (v / top) * plotH;
  const group = plotW / Math.max(1, days.length);
  const bar = Math.max(1, Math.min(14, (group * 0.8) / SERIES.length));

  const sum = (key) => days.reduce((total, d) => total + (d[key] || 0), 0);
  const busiest = days.reduce((best, d) => ((d.submitted || 0) > (best?.submitted || 0) ? d : best), null);
  const range = { n: days.length, from: formatDate(days[0]?.date), to: formatDate(days.at(-1)?.date) };
  const description = busiest
    ? t("stats.chart_desc", {
        ...range,
        submitted: num(sum("submitted")),
        issued: num(sum("issued")),
        rejected: num(sum("rejected")),
        busiest: formatDate(busiest.date),
        most: num(busiest.submitted),
      })
    : t("stats.chart_desc_empty", range);

  // Four or five steps, whichever keeps every label a whole number.
  const steps = top % 4 === 0 ? 4 : top % 5 === 0 ? 5 : 2;
  const grid = Array.from({ length: steps + 1 }, (_, i) => (top / steps) * i).map((v) =>
    svg(
      "g",
      {},
      svg("line", { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v), stroke: "#b1b4b6" }),
      svg("text", { x: margin.left - 6, y: y(v) + 4, "text-anchor": "end" }, num(v)),
    ),
  );
  // Label every few days so the dates never run into each other.
  const every = Math.max(1, Math.ceil(48 / group));
  const bars = days.map((d, i) => {
    const x0 = margin.left + i * group + (group - bar * SERIES.length) / 2;
    const fromEnd = days.length - 1 - i;
    return svg(
      "g",
      {},
      ...SERIES.map((s, j) =>
        svg("rect", {
          x: x0 + j * bar,
          y: y(d[s.key] || 0),
          width: Math.max(1, bar - 1),
          height: Math.max(0, margin.top + plotH - y(d[s.key] || 0)),
          fill: s.colour,
        }),
      ),
      fromEnd % every === 0
        ? svg(
            "text",
            // The newest day's label ends at its bar so it is never cut off at the edge.
            fromEnd === 0
              ? { x: margin.left + (i + 1) * group, y: height - 8, "text-anchor": "end" }
              : { x: margin.left + i * group + group / 2, y: height - 8, "text-anchor": "middle" },
            shortDate(d.date),
          )
        : null,
    );
  });
  const chart = svg(
    "svg",
    {
      role: "img",
      "aria-labelledby": "chart-title chart-desc",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: "chart__svg",
      id: "daily-chart",
    },
    svg("title", { id: "chart-title" }, t("stats.chart_title", range)),
    svg("desc", { id: "chart-desc" }, description),
    svg("g", { class: "chart__grid" }, ...grid),
    svg("g", { class: "chart__bars" }, ...bars),
  );
  chartBox.replaceChildren(chart);
  chartRange.textContent = days.length ? `${range.from} – ${range.to}` : "";
}

function dailySection() {
  chartBox = h("div", { class: "chart__canvas" });
  chartRange = h("figcaption", { class: "hint", id: "chart-range" });
  const days = stats.by_day || [];
  return [
    h("h2", { class: "heading-l", id: "daily-heading" }, t("stats.daily_heading")),
    h(
      "figure",
      { class: "chart" },
      chartRange,
      h(
        "ul",
        { class: "chart__legend" },
        SERIES.map((s) =>
          h(
            "li",
            {},
            h("span", { class: `chart__swatch chart__swatch--${s.key}`, "aria-hidden": "true" }),
            t(`stats.${s.key}`),
          ),
        ),
      ),
      chartBox,
    ),
    h(
      "details",
      { class: "details" },
      h("summary", { class: "details__summary" }, t("stats.table_summary")),
      h(
        "div",
        // A table wider than a phone scrolls: the keyboard must be able to scroll it too.
        { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "daily-heading" },
        h(
          "table",
          { class: "table", id: "daily-table" },
          h("caption", { class: "table__caption visually-hidden" }, t("stats.daily_heading")),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t("stats.date")),
              DAY_COLUMNS.map((key) => h("th", { scope: "col", class: "numeric" }, t(`stats.${key}`))),
            ),
          ),
          h(
            "tbody",
            {},
            [...days].reverse().map((d) =>
              h(
                "tr",
                { dataset: { date: d.date } },
                h("th", { scope: "row" }, formatDate(d.date)),
                DAY_COLUMNS.map((key) => h("td", { class: "numeric", dataset: { key } }, num(d[key]))),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

function serviceSection() {
  const rows = [...(stats.by_service || [])].sort((a, b) => (b.submitted || 0) - (a.submitted || 0));
  const name = (id) => (names.has(id) ? pick(names.get(id), "name") : id);
  return [
    h("h2", { class: "heading-l", id: "by-service-heading" }, t("stats.by_service_heading")),
    rows.length
      ? h(
          "div",
          { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "by-service-heading" },
          h(
            "table",
            { class: "table stats-table", id: "by-service" },
            h("caption", { class: "table__caption visually-hidden" }, t("stats.by_service_heading")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("stats.service")),
                TOTALS.map((key) => h("th", { scope: "col", class: "numeric" }, t(`stats.${key}`))),
              ),
            ),
            h(
              "tbody",
              {},
              rows.map((row) =>
                h(
                  "tr",
                  { dataset: { service: row.service_id } },
                  h("th", { scope: "row" }, name(row.service_id)),
                  TOTALS.map((key) => h("td", { class: "numeric", dataset: { key } }, num(row[key]))),
                ),
              ),
            ),
          ),
        )
      : h("p", {}, t("stats.by_service_empty")),
  ];
}

/** The visits section: made once and kept, so a redraw never loses the day chosen or the figures shown. */
function visitsPart() {
  if (visitsSection) return visitsSection;
  const date = h("input", { class: "input input--width-10", type: "date", id: "visits-date", name: "date", value: jakartaDate() });
  const form = h(
    "form",
    { class: "visits__form", id: "visits-form", novalidate: true },
    h("div", { class: "form-group" }, h("label", { class: "label label--s", for: "visits-date", dataset: { i18n: "stats.visits_date" } }, t("stats.visits_date")), date),
    h("button", { class: "button button--secondary", type: "submit", id: "visits-show", dataset: { i18n: "stats.visits_show" } }, t("stats.visits_show")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadVisits(date.value || jakartaDate());
  });
  visitsSection = h(
    "section",
    { class: "visits", "aria-labelledby": "visits-heading" },
    h("h2", { class: "heading-l", id: "visits-heading", dataset: { i18n: "stats.visits_heading" } }, t("stats.visits_heading")),
    h("p", { dataset: { i18n: "stats.visits_lead" } }, t("stats.visits_lead")),
    form,
    h("div", { class: "visits__figures", id: "visits", "aria-live": "polite" }),
  );
  return visitsSection;
}

function visitRow(attrs, label, figures, header = "th") {
  return h(
    "tr",
    attrs,
    h(header, { scope: "row" }, label),
    VISIT_COLUMNS.map((key) => h("td", { class: "numeric", dataset: { key } }, num(figures[key]))),
  );
}

function drawVisits() {
  const box = visitsSection?.querySelector("#visits");
  if (!box || !visits) return;
  if (visits.error) return showError(box, visits.error, { retry: () => loadVisits(visits.date) });
  doneLoading(box);
  const day = formatDate(visits.date);
  if (!visits.sites.length) return fill(box, h("p", { class: "inset-text", id: "visits-empty" }, t("stats.visits_empty", { date: day })));
  fill(
    box,
    h(
      "div",
      { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "visits-caption" },
      h(
        "table",
        { class: "table stats-table", id: "visits-table", dataset: { date: visits.date } },
        h("caption", { class: "table__caption", id: "visits-caption" }, t("stats.visits_caption", { date: day })),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("stats.visits_place")),
            VISIT_COLUMNS.map((key) => h("th", { scope: "col", class: "numeric" }, t(`stats.visits_${key}`))),
          ),
        ),
        visits.sites.map((site) =>
          h(
            "tbody",
            { dataset: { site: site.site_id } },
            visitRow({ class: "visits__site", dataset: { site: site.site_id } }, t("stats.visits_site_total", { site: site.site_name }), site),
            (site.counters || []).map((counter) =>
              visitRow({ class: "visits__counter", dataset: { site: site.site_id, counter: counter.counter_id } }, pick(counter, "name"), counter),
            ),
          ),
        ),
      ),
    ),
  );
}

async function loadVisits(date) {
  const box = visitsPart().querySelector("#visits");
  showLoading(box);
  try {
    visits = await apiGet("/stats/visits", { date });
  } catch (error) {
    visits = { date, error };
  }
  drawVisits();
}

function render() {
  if (!stats) return;
  const time = intl("DateTimeFormat", locale(), { dateStyle: "long", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(
    loadedAt,
  );
  doneLoading(container);
  fill(container,
    ...totalsSection(stats.totals || {}),
    ...dailySection(),
    ...serviceSection(),
    h("p", { class: "hint", id: "as-of" }, t("stats.as_of", { time })),
    visitsPart(),
  );
  applyTranslations(visitsSection);
  drawVisits();
  scheduleChart();
}

/**
 * Draw the chart in a task of its own, once the browser has laid the tables out: it needs its box's width, and
 * reading that right after inserting the tables forced their layout inside this task (a long task on a slow phone).
 * The resize observer may draw it first (the container has just changed size); then this one has nothing to do.
 */
function scheduleChart() {
  drawnWidth = 0;
  setTimeout(() => {
    if (!drawnWidth) drawChart();
  }, 0);
}

async function load() {
  showLoading(container);
  try {
    const [figures, catalogue] = await Promise.all([
      apiGet("/stats", { from: jakartaDate(-(DAYS - 1)), to: jakartaDate() }),
      apiGet("/services").catch(() => ({ services: [] })), // names only: the figures stand without them
    ]);
    stats = figures;
    names = new Map((catalogue.services || []).map((s) => [s.id, s]));
    loadedAt = new Date();
    render();
  } catch (error) {
    showError(container, error, { retry: load });
  }
}

// Redraw for the width the chart really has, so its text stays readable on a phone.
new ResizeObserver(() => {
  if (chartBox && Math.abs(chartBox.clientWidth - drawnWidth) > 8) drawChart();
}).observe(container);
onLangChange(render);
load();
loadVisits(jakartaDate());
