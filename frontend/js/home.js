// Home page: the service catalogue with search and a category filter. The whole catalogue is loaded
// once and filtered on every keystroke for instant feedback; the API's own search (?q=&category=)
// then answers the settled query and has the last word.

import { apiGet } from "./api.js";
import { doneLoading, h, showError, showLoading } from "./dom.js";
import { feeShort } from "./format.js";
import { addMessages, applyTranslations, locale, onLangChange, pick, t, tn } from "./i18n.js";

addMessages({
  id: {
    "home.title": "Cari layanan — Satu Pintu",
    "home.heading": "Layanan perizinan dan nonperizinan",
    "home.lead":
      "Cari layanan, lihat persyaratan, biaya, waktu penyelesaian dan dasar hukumnya, lalu ajukan permohonan secara daring.",
    "home.search_label": "Cari layanan",
    "home.search_hint": "Misalnya: reklame, praktik dokter, NIB",
    "home.search_button": "Cari",
    "home.category_legend": "Jenis layanan",
    "home.category_all": "Semua",
    "home.results_heading": "Hasil pencarian",
    "home.count_one": "{n} layanan ditemukan",
    "home.count_other": "{n} layanan ditemukan",
    "home.none": "Tidak ada layanan yang cocok.",
    "home.none_hint": "Periksa ejaan, coba kata lain, atau pilih jenis layanan “Semua”.",
    "home.none_consult": "Tidak menemukan yang Anda cari? Tanyakan kepada petugas.",
    "home.fee": "Biaya",
    "home.sla": "Waktu",
    "home.how_heading": "Cara mengurus izin",
    "home.how_1": "Cari layanan dan siapkan dokumen persyaratannya.",
    "home.how_2": "Ajukan permohonan dan unggah dokumen secara daring.",
    "home.how_3": "Lacak statusnya; lengkapi bila petugas meminta.",
    "home.how_4": "Unduh dokumen izin ber-QR yang dapat diperiksa keasliannya.",
    "home.visit_heading": "Datang langsung?",
    "home.visit_text":
      "Pesan jadwal kunjungan ke mal pelayanan publik atau kantor kelurahan, kecamatan dan wali kota sebelum datang.",
    "home.visit_link": "Pesan kunjungan",
    "home.track_link": "Lacak permohonan Anda",
  },
  en: {
    "home.title": "Find a service — Satu Pintu",
    "home.heading": "Permits and non-permit services",
    "home.lead":
      "Find a service, see its requirements, fee, processing time and legal basis, then apply online.",
    "home.search_label": "Search for a service",
    "home.search_hint": "For example: billboard, doctor's practice, NIB",
    "home.search_button": "Search",
    "home.category_legend": "Type of service",
    "home.category_all": "All",
    "home.results_heading": "Search results",
    "home.count_one": "{n} service found",
    "home.count_other": "{n} services found",
    "home.none": "No service matches your search.",
    "home.none_hint": "Check the spelling, try other words, or choose “All” types of service.",
    "home.none_consult": "Cannot find what you need? Ask an officer.",
    "home.fee": "Fee",
    "home.sla": "Time",
    "home.how_heading": "How to get a permit",
    "home.how_1": "Find the service and prepare the documents it requires.",
    "home.how_2": "Apply and upload the documents online.",
    "home.how_3": "Track its status; add anything the officer asks for.",
    "home.how_4": "Download the permit with a QR code anyone can check.",
    "home.visit_heading": "Coming in person?",
    "home.visit_text":
      "Book a visit to the public service mall or a kelurahan, kecamatan or city office before you come.",
    "home.visit_link": "Book a visit",
    "home.track_link": "Track your application",
  },
});
applyTranslations();

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const results = document.getElementById("results");
const count = document.getElementById("results-count");
const SERVER_SEARCH_DELAY_MS = 300;
// The count is a live region: while someone types, say it once they pause, not after every key.
const ANNOUNCE_DELAY_MS = 500;

let catalogue = null; // every service, for instant filtering
let shown = null; // the services on screen now
let serverTimer = null;
let serverSearch = null; // AbortController of the search in flight
let announceTimer = null;
let typing = false; // the current render comes from a keystroke

// Lower case without accents, so what is typed on a phone keyboard matches either way.
function normalise(text) {
  return (text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function haystack(service) {
  return normalise(
    [service.id, service.name_id, service.name_en, service.summary_id, service.summary_en, service.agency].join(" "),
  );
}

function query() {
  return { q: input.value.trim(), category: form.elements.category.value };
}

function filterLocally({ q, category }) {
  const words = normalise(q).split(/\s+/).filter(Boolean);
  return catalogue.filter(
    (service) =>
      (!category || service.category === category) && words.every((word) => haystack(service).includes(word)),
  );
}

function resultItem(service) {
  const href = `service.html?id=${encodeURIComponent(service.id)}`;
  return h(
    "li",
    { class: "service-list__item" },
    h("h3", { class: "service-list__title" }, h("a", { class: "service-list__link", href }, pick(service, "name"))),
    h(
      "p",
      { class: "service-list__meta" },
      h(
        "strong",
        { class: "tag tag--category", dataset: { category: service.category } },
        t(`category.${service.category}`),
      ),
    ),
    pick(service, "summary") ? h("p", { class: "service-list__summary" }, pick(service, "summary")) : null,
    h(
      "dl",
      { class: "service-list__facts" },
      h("div", {}, h("dt", {}, t("home.fee")), h("dd", {}, feeShort(service))),
      typeof service.sla_days === "number"
        ? h("div", {}, h("dt", {}, t("home.sla")), h("dd", {}, tn("common.working_days", service.sla_days)))
        : null,
    ),
  );
}

function announceCount(n) {
  clearTimeout(announceTimer);
  const text = tn("home.count", n);
  if (typing) announceTimer = setTimeout(() => (count.textContent = text), ANNOUNCE_DELAY_MS);
  else count.textContent = text;
}

// Alphabetical by the name the reader sees, so the English list is not in Indonesian order.
function byShownName(services) {
  const collator = new Intl.Collator(locale(), { sensitivity: "base", numeric: true });
  return [...services].sort((a, b) => collator.compare(pick(a, "name"), pick(b, "name")));
}

function render(services) {
  services = byShownName(services);
  shown = services;
  doneLoading(results);
  announceCount(services.length);
  if (services.length === 0) {
    results.replaceChildren(
      h(
        "div",
        { class: "results__empty" },
        h("p", { class: "heading-s" }, t("home.none")),
        h("p", {}, t("home.none_hint")),
        h("p", {}, h("a", { href: "consult.html" }, t("home.none_consult"))),
      ),
    );
    return;
  }
  results.replaceChildren(h("ul", { class: "service-list" }, services.map(resultItem)));
}

function sameServices(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  const ids = new Set(a.map((service) => service.id));
  return b.every((service) => ids.has(service.id));
}

// Keep the address in step with the search so it can be shared, bookmarked and reloaded.
function rememberInUrl({ q, category }) {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries({ q, category })) {
    if (value) url.searchParams.set(key, value);
    else url.searchParams.delete(key);
  }
  history.replaceState(history.state, "", url);
}

async function searchOnServer(current) {
  serverSearch?.abort();
  serverSearch = new AbortController();
  try {
    const data = await apiGet("/services", current, { signal: serverSearch.signal });
    const stillCurrent = JSON.stringify(query()) === JSON.stringify(current);
    if (stillCurrent && !sameServices(data.services, shown)) render(data.services);
  } catch (error) {
    if (serverSearch.signal.aborted) return; // replaced by a newer search
    // The instant results from the loaded catalogue stay on screen; they are the same data.
  }
}

function update({ immediateServer = false, fromTyping = false } = {}) {
  if (!catalogue) return;
  typing = fromTyping;
  const current = query();
  render(filterLocally(current));
  rememberInUrl(current);
  clearTimeout(serverTimer);
  if (!current.q && !current.category) return; // the whole catalogue is already on screen
  serverTimer = setTimeout(() => searchOnServer(current), immediateServer ? 0 : SERVER_SEARCH_DELAY_MS);
}

async function loadCatalogue() {
  showLoading(results);
  count.textContent = "";
  try {
    const data = await apiGet("/services");
    catalogue = data.services;
    update({ immediateServer: true });
  } catch (error) {
    showError(results, error, { retry: loadCatalogue });
  }
}

// Start from the search in the address, if any.
const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
const initialCategory = params.get("category") || "";
for (const radio of form.elements.category) radio.checked = radio.value === initialCategory;

input.addEventListener("input", () => update({ fromTyping: true }));
form.addEventListener("change", (event) => {
  if (event.target.name === "category") update({ immediateServer: true });
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  update({ immediateServer: true });
});
onLangChange(() => {
  if (shown) render(shown);
});

loadCatalogue();
