// The board at a service point's entrance (board.html?site=<id>): how many people are inside and the cap,
// and plainly whether to come in or wait — in Indonesian and English at once, because the room reads it,
// not one person who chose a language. It asks again every 15 seconds; when an answer fails it keeps the
// last figures and says how old they are. Counts only: no name, no ticket.

import { apiFetch } from "./api.js";
import { h } from "./dom.js";
import { fill } from "./forms.js";
import { addMessages, applyTranslations, onLangChange, t } from "./i18n.js";

addMessages({
  id: {
    "board.title": "Papan pintu masuk — Satu Pintu",
    "board.heading": "Papan pintu masuk",
    "board.no_site": "Papan ini dibuka untuk satu tempat layanan. Pilih tempatnya di halaman kunjungan.",
    "board.to_visit": "Ke halaman kunjungan",
    "board.unknown_site": "Tempat layanan ini tidak ditemukan.",
  },
  en: {
    "board.title": "Entrance board — Satu Pintu",
    "board.heading": "Entrance board",
    "board.no_site": "This board is opened for one service point. Choose it on the visit page.",
    "board.to_visit": "Go to the visit page",
    "board.unknown_site": "This service point does not exist.",
  },
});
applyTranslations();

const REFRESH_MS = 15000;
const container = document.getElementById("board");
const heading = document.getElementById("board-site");
const siteId = new URLSearchParams(location.search).get("site");
let last = null; // the last figures the API gave, and when
let failedAt = null; // when the latest refresh failed (null while the figures are fresh)
let missing = false;

// Jakarta's wall clock, each language writing it its own way (07.05.30 and 07:05:30).
const clock = (date, lang) =>
  new Intl.DateTimeFormat(lang === "id" ? "id-ID" : "en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone: "Asia/Jakarta",
  }).format(date);

/** Both languages side by side, each marked with its own language. */
function both(tag, attrs, id, en) {
  return h(tag, attrs, h("span", { lang: "id" }, id), h("span", { class: "board__en", lang: "en" }, en));
}

function draw() {
  if (missing) {
    fill(container, h("p", { class: "board__notice" }, t("board.unknown_site")), h("p", {}, h("a", { href: "visit.html" }, t("board.to_visit"))));
    return;
  }
  if (!last) return;
  const { inside, cap } = last.figures;
  const open = inside < cap;
  heading.textContent = last.figures.site_name;
  document.title = `${last.figures.site_name} — ${t("board.title")}`;
  fill(
    container,
    h(
      "p",
      { class: "board__count", id: "board-count" },
      h("span", { lang: "id" }, "Di dalam"),
      h("span", { class: "board__en", lang: "en" }, "Inside"),
      h("span", { class: "board__figures" }, h("strong", { id: "board-inside" }, String(inside)), h("span", { class: "board__of" }, h("span", { lang: "id" }, " dari "), h("span", { class: "board__en", lang: "en" }, "/ of "), h("strong", { id: "board-cap" }, String(cap)))),
    ),
    both(
      "p",
      { class: `board__state board__state--${open ? "open" : "wait"}`, id: "board-state", dataset: { state: open ? "open" : "wait" } },
      open ? "→ Silakan masuk" : "■ Mohon menunggu",
      open ? "Please come in" : "Please wait",
    ),
    both(
      "p",
      { class: failedAt ? "board__updated board__updated--stale" : "board__updated", id: "board-updated" },
      failedAt ? `Belum dapat memperbarui. Angka pukul ${clock(last.at, "id")} WIB.` : `Diperbarui pukul ${clock(last.at, "id")} WIB`,
      failedAt ? `Could not refresh. Figures as of ${clock(last.at, "en")} WIB.` : `Updated ${clock(last.at, "en")} WIB`,
    ),
  );
}

async function refresh() {
  try {
    // Straight from the API each time (no-cache): a board that shows an old count sends people in too soon.
    const figures = await apiFetch(`/sites/${encodeURIComponent(siteId)}/occupancy`, { cache: "no-cache" });
    last = { figures, at: new Date() };
    failedAt = null;
  } catch (error) {
    if (error.code === "site_not_found") {
      missing = true;
      draw();
      return; // nothing to wait for
    }
    failedAt = new Date();
    if (!last) {
      fill(container, both("p", { class: "board__notice", id: "board-updated" }, "Belum dapat memuat angka. Mencoba lagi…", "Cannot load the figures yet. Trying again…"));
    }
  }
  draw();
  setTimeout(refresh, REFRESH_MS);
}

if (siteId) {
  refresh();
} else {
  fill(container, h("p", { class: "board__notice" }, t("board.no_site")), h("p", {}, h("a", { href: "visit.html" }, t("board.to_visit"))));
}
onLangChange(() => {
  if (!siteId) fill(container, h("p", { class: "board__notice" }, t("board.no_site")), h("p", {}, h("a", { href: "visit.html" }, t("board.to_visit"))));
  else draw();
});
