// Interface language: Indonesian by default, English on request. The choice comes from `?lang=`
// first (so a shared link opens in the language it was sent in), then from localStorage.

export const LANGS = ["id", "en"];
export const DEFAULT_LANG = "id";
const STORAGE_KEY = "satu-pintu.lang";
export const LANG_EVENT = "satupintu:langchange";

// Strings shared by every page. A page with strings of its own registers them with addMessages()
// instead of growing this file.
const messages = {
  id: {
    "site.name": "Satu Pintu",
    "site.tagline": "Layanan terpadu satu pintu",
    "skip.main": "Langsung ke konten utama",
    "nav.label": "Menu utama",
    "nav.menu": "Menu",
    "nav.home": "Beranda",
    "nav.apply": "Ajukan permohonan",
    "nav.track": "Lacak",
    "nav.visit": "Kunjungan",
    "nav.stats": "Statistik",
    "nav.consult": "Konsultasi",
    "lang.switch": "English",
    "footer.hours_title": "Jam layanan",
    "footer.hours": "Senin–Jumat, 07:30–16:00 WIB",
    "footer.hours_online": "Permohonan daring dapat diajukan kapan saja.",
    "footer.office_title": "Kantor layanan",
    "footer.office":
      "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu: mal pelayanan publik serta loket di setiap kelurahan, kecamatan dan kantor wali kota.",
    "footer.help_title": "Bantuan",
    "footer.address": "Jl. Abdul Muis No. 66, Tanah Abang, Jakarta Pusat 10160",
    "footer.contact_title": "Hubungi kami",
    "footer.call_centre": "Tanya PTSP:",
    "footer.call_hours": "Senin–Jumat, 07:30–16:00 WIB",
    "footer.email": "E-mail konsultasi:",
    "footer.privacy": "Pemberitahuan privasi",
    "footer.consult": "Tanya petugas lewat konsultasi daring",
    "footer.verify": "Periksa keaslian dokumen izin",
    "footer.data_label": "Data wilayah",
    "footer.license": "Perangkat lunak sumber terbuka, lisensi Apache-2.0.",
    "state.loading": "Memuat…",
    "state.retry": "Coba lagi",
    "error.title": "Terjadi masalah",
    "error.network": "Tidak dapat terhubung ke server. Periksa koneksi internet Anda, lalu coba lagi.",
    "error.timeout": "Server terlalu lama menjawab. Silakan coba lagi.",
    "error.not_found": "Data yang Anda cari tidak ditemukan.",
    "error.throttled": "Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.",
    "error.server": "Layanan sedang mengalami gangguan. Silakan coba lagi beberapa saat lagi.",
    "error.unauthorized": "Anda tidak berhak membuka data ini.",
    "error.bad_request": "Permintaan tidak dapat diproses. Periksa isian Anda.",
    "error.bad_response": "Jawaban server tidak dapat dibaca. Silakan coba lagi.",
    "error.code": "Kode galat",
    "error.prefix": "Galat",
    "category.perizinan": "Perizinan",
    "category.nonperizinan": "Nonperizinan",
    "common.working_days_one": "{n} hari kerja",
    "common.working_days_other": "{n} hari kerja",
    "common.months_one": "{n} bulan",
    "common.months_other": "{n} bulan",
    "common.years_one": "{n} tahun",
    "common.years_other": "{n} tahun",
    "common.free": "Gratis",
    "common.set_by_officer": "Ditetapkan petugas",
    "common.not_published": "Belum dipublikasikan",
    "common.yes": "Ya",
    "common.no": "Tidak",
    "common.max_size": "maks. {size}",
  },
  en: {
    "site.name": "Satu Pintu",
    "site.tagline": "One-stop public services",
    "skip.main": "Skip to main content",
    "nav.label": "Main menu",
    "nav.menu": "Menu",
    "nav.home": "Home",
    "nav.apply": "Apply",
    "nav.track": "Track",
    "nav.visit": "Visit",
    "nav.stats": "Statistics",
    "nav.consult": "Consultation",
    "lang.switch": "Bahasa Indonesia",
    "footer.hours_title": "Opening hours",
    "footer.hours": "Monday–Friday, 07:30–16:00 WIB",
    "footer.hours_online": "Online applications can be made at any time.",
    "footer.office_title": "Service offices",
    "footer.office":
      "Investment and One-Stop Integrated Service Office: the public service mall plus counters in every kelurahan, kecamatan and city office.",
    "footer.help_title": "Help",
    "footer.address": "Jl. Abdul Muis No. 66, Tanah Abang, Central Jakarta 10160",
    "footer.contact_title": "Contact us",
    "footer.call_centre": "Tanya PTSP call centre:",
    "footer.call_hours": "Monday–Friday, 07:30–16:00 WIB",
    "footer.email": "Consultation e-mail:",
    "footer.privacy": "Privacy notice",
    "footer.consult": "Ask an officer through online consultation",
    "footer.verify": "Check that a permit is genuine",
    "footer.data_label": "Area data",
    "footer.license": "Open-source software, Apache-2.0 licence.",
    "state.loading": "Loading…",
    "state.retry": "Try again",
    "error.title": "There is a problem",
    "error.network": "Cannot reach the server. Check your internet connection, then try again.",
    "error.timeout": "The server took too long to answer. Please try again.",
    "error.not_found": "We could not find what you were looking for.",
    "error.throttled": "Too many requests. Wait a moment, then try again.",
    "error.server": "The service is having problems. Please try again in a few moments.",
    "error.unauthorized": "You are not allowed to see this.",
    "error.bad_request": "The request could not be processed. Check what you entered.",
    "error.bad_response": "The server's answer could not be read. Please try again.",
    "error.code": "Error code",
    "error.prefix": "Error",
    "category.perizinan": "Permit",
    "category.nonperizinan": "Non-permit",
    "common.working_days_one": "{n} working day",
    "common.working_days_other": "{n} working days",
    "common.months_one": "{n} month",
    "common.months_other": "{n} months",
    "common.years_one": "{n} year",
    "common.years_other": "{n} years",
    "common.free": "Free",
    "common.set_by_officer": "Set by the officer",
    "common.not_published": "Not published",
    "common.yes": "Yes",
    "common.no": "No",
    "common.max_size": "max. {size}",
  },
};

/** Merge a page's own strings, `{id: {...}, en: {...}}`, into the dictionary. */
export function addMessages(extra) {
  for (const lang of LANGS) Object.assign(messages[lang], extra[lang] || {});
}

function readStored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked (private mode, strict settings): fall back to the default
  }
}

function store(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted: the ?lang= link still carries the choice
  }
}

// The language is asked for by every string drawn: read the address and the storage once, not each time.
let known = null; // {search, lang}: the answer for the address it was read from
addEventListener("storage", () => (known = null)); // another tab chose a language

/** Return the language in force: `?lang=`, then the stored choice, then Indonesian. */
export function currentLang() {
  if (known?.search === location.search) return known.lang;
  const fromUrl = new URLSearchParams(location.search).get("lang");
  const stored = LANGS.includes(fromUrl) ? null : readStored();
  const lang = LANGS.includes(fromUrl) ? fromUrl : LANGS.includes(stored) ? stored : DEFAULT_LANG;
  known = { search: location.search, lang };
  return lang;
}

// Intl objects are costly to make (a collator or a number format takes longer than the formatting itself).
const intlObjects = new Map();

/** Return one shared `new Intl[kind](locale, options)` per kind, locale and options. */
export function intl(kind, localeName, options = {}) {
  const key = `${kind}|${localeName}|${JSON.stringify(options)}`;
  if (!intlObjects.has(key)) intlObjects.set(key, new Intl[kind](localeName, options));
  return intlObjects.get(key);
}

/** Return the other language, the one the switch offers. */
export function otherLang(lang = currentLang()) {
  return lang === "id" ? "en" : "id";
}

/** Say whether `key` has a translation. */
export function hasMessage(key) {
  return key in messages[DEFAULT_LANG] || key in messages.en;
}

/** Translate `key`, filling `{name}` placeholders from `vars`; unknown keys fall back to Indonesian. */
export function t(key, vars = {}) {
  const lang = currentLang();
  let text = messages[lang][key] ?? messages[DEFAULT_LANG][key] ?? key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** Translate a count, choosing the `_one` or `_other` form of `key`. */
export function tn(key, n, vars = {}) {
  const form = intl("PluralRules", locale()).select(n);
  return t(`${key}_${form === "one" ? "one" : "other"}`, { n: formatNumber(n), ...vars });
}

/** Return the locale used for numbers and dates in the current language. */
export function locale() {
  return currentLang() === "id" ? "id-ID" : "en-GB";
}

/** Format a number the way the current language writes it (1.500.000 or 1,500,000). */
export function formatNumber(n, options = {}) {
  return intl("NumberFormat", locale(), options).format(n);
}

/** Pick the field of a bilingual API object in the current language: pick(s, "name") → s.name_id. */
export function pick(obj, field) {
  if (!obj) return "";
  const lang = currentLang();
  return obj[`${field}_${lang}`] || obj[`${field}_${otherLang(lang)}`] || "";
}

/**
 * Translate every element under `root` marked with `data-i18n="key"` (text) or
 * `data-i18n-attr="attr:key;attr:key"` (attributes), and set `<html lang>`.
 */
export function applyTranslations(root = document) {
  document.documentElement.lang = currentLang();
  // A key not registered yet (its page module has not run) keeps the text written in the HTML.
  for (const el of root.querySelectorAll("[data-i18n]")) {
    if (hasMessage(el.dataset.i18n)) el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":").map((s) => s.trim());
      if (attr && hasMessage(key)) el.setAttribute(attr, t(key));
    }
  }
}

/** Switch language: remember it, keep the address bar's `?lang=` in step, re-translate, tell the page. */
export function setLang(lang) {
  if (!LANGS.includes(lang)) return;
  store(lang);
  known = null;
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.set("lang", lang);
    history.replaceState(history.state, "", url);
  }
  applyTranslations();
  document.dispatchEvent(new CustomEvent(LANG_EVENT, { detail: { lang } }));
}

/** Run `callback(lang)` whenever the language changes, so a page can redraw what it built itself. */
export function onLangChange(callback) {
  document.addEventListener(LANG_EVENT, (event) => callback(event.detail.lang));
}

// A `?lang=` in the link is a choice too: keep it for the next pages.
const initialFromUrl = new URLSearchParams(location.search).get("lang");
if (LANGS.includes(initialFromUrl)) store(initialFromUrl);
