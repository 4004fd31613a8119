// Service page: everything a citizen needs before applying — requirements, fee, time, legal basis,
// field survey and validity — from GET /api/services/{id}, with the way to apply.

import { ApiError, apiGet } from "./api.js";
import { doneLoading, h, showError, showLoading } from "./dom.js";
import { feeText, fileSize, fileTypeNames, joinOr, slaText, validityText } from "./format.js";
import { addMessages, applyTranslations, currentLang, onLangChange, pick, t } from "./i18n.js";
import { pageExists } from "./layout.js";

addMessages({
  id: {
    "service.title": "Layanan — Satu Pintu",
    "service.breadcrumbs": "Navigasi remah roti",
    "service.crumb": "Layanan",
    "service.agency": "Instansi",
    "service.fee": "Biaya",
    "service.sla": "Waktu penyelesaian",
    "service.survey": "Peninjauan lapangan",
    "service.survey_yes": "Ya, petugas meninjau lokasi sebelum memutuskan",
    "service.survey_no": "Tidak",
    "service.validity": "Masa berlaku",
    "service.apply": "Ajukan permohonan",
    "service.applied_elsewhere": "Layanan ini tidak diajukan lewat Satu Pintu. Ajukan di {where}:",
    "service.requirements": "Persyaratan",
    "service.requirements_required": "Dokumen wajib: {n}.",
    "service.requirements_conditional": "Dokumen bersyarat, hanya jika berlaku bagi Anda: {n}.",
    "service.requirements_none": "Tidak ada dokumen yang perlu diunggah.",
    "service.required": "Wajib",
    "service.conditional": "Bersyarat",
    "service.conditional_hint": "Hanya jika berlaku bagi Anda.",
    "service.upload_as": "Unggah sebagai {types}, {max}.",
    "service.upload_types": "Unggah sebagai {types}.",
    "service.legal_basis": "Dasar hukum",
    "service.legal_basis_none": "Dasar hukum belum dipublikasikan.",
    "service.notes": "Catatan",
    "service.help": "Butuh bantuan?",
    "service.help_consult": "Tanyakan layanan ini kepada petugas",
    "service.help_visit": "Pesan kunjungan ke kantor layanan",
    "service.help_track": "Lacak permohonan yang sudah diajukan",
    "service.not_found": "Layanan tidak ditemukan",
    "service.not_found_text": "Alamat halaman ini mungkin salah, atau layanan ini tidak lagi tersedia.",
    "service.not_chosen": "Belum ada layanan yang dipilih",
    "service.not_chosen_text": "Pilih layanan dari daftar di beranda.",
    "service.back_home": "Cari layanan di beranda",
    "service.ask_officer": "Tanya petugas",
  },
  en: {
    "service.title": "Service — Satu Pintu",
    "service.breadcrumbs": "Breadcrumb",
    "service.crumb": "Service",
    "service.agency": "Agency",
    "service.fee": "Fee",
    "service.sla": "Processing time",
    "service.survey": "Field survey",
    "service.survey_yes": "Yes, an officer inspects the site before deciding",
    "service.survey_no": "No",
    "service.validity": "Validity",
    "service.apply": "Apply",
    "service.applied_elsewhere": "This service is not applied for through Satu Pintu. Apply on {where}:",
    "service.requirements": "Requirements",
    "service.requirements_required": "Required documents: {n}.",
    "service.requirements_conditional": "Conditional documents, only if they apply to you: {n}.",
    "service.requirements_none": "No documents need to be uploaded.",
    "service.required": "Required",
    "service.conditional": "Conditional",
    "service.conditional_hint": "Only if it applies to you.",
    "service.upload_as": "Upload as {types}, {max}.",
    "service.upload_types": "Upload as {types}.",
    "service.legal_basis": "Legal basis",
    "service.legal_basis_none": "The legal basis has not been published.",
    "service.notes": "Notes",
    "service.help": "Need help?",
    "service.help_consult": "Ask an officer about this service",
    "service.help_visit": "Book a visit to a service office",
    "service.help_track": "Track an application you have made",
    "service.not_found": "Service not found",
    "service.not_found_text": "The address of this page may be wrong, or the service is no longer offered.",
    "service.not_chosen": "No service chosen",
    "service.not_chosen_text": "Choose a service from the list on the home page.",
    "service.back_home": "Find a service on the home page",
    "service.ask_officer": "Ask an officer",
  },
});
applyTranslations();

const container = document.getElementById("service");
const crumb = document.getElementById("breadcrumb-current");
const serviceId = new URLSearchParams(location.search).get("id");
let service = null;
let failure = null;

// A bilingual list field (notes_id / notes_en), in the current language when it has entries.
function pickList(obj, field) {
  const mine = obj[`${field}_${currentLang()}`];
  const other = obj[`${field}_${currentLang() === "id" ? "en" : "id"}`];
  return (mine && mine.length ? mine : other) || [];
}

function fact(labelKey, ...value) {
  return h(
    "div",
    { class: "summary-list__row" },
    h("dt", { class: "summary-list__key" }, t(labelKey)),
    h("dd", { class: "summary-list__value" }, ...value),
  );
}

function note(text) {
  return text ? h("p", { class: "hint summary-list__note" }, text) : null;
}

function uploadHint(requirement) {
  const types = fileTypeNames(requirement.accepted_types || []);
  if (types.length === 0) return null;
  const vars = { types: joinOr(types) };
  if (requirement.max_size_bytes) {
    return t("service.upload_as", { ...vars, max: t("common.max_size", { size: fileSize(requirement.max_size_bytes) }) });
  }
  return t("service.upload_types", vars);
}

function requirementItem(requirement) {
  const condition = [requirement.required ? null : t("service.conditional_hint"), pick(requirement, "note")];
  const hints = [condition.filter(Boolean).join(" "), uploadHint(requirement)].filter(Boolean);
  return h(
    "li",
    {
      class: `checklist__item${requirement.required ? "" : " checklist__item--conditional"}`,
      id: `req-${requirement.id}`,
    },
    h("span", { class: "checklist__label" }, pick(requirement, "label")),
    h(
      "strong",
      { class: `tag ${requirement.required ? "tag--required" : "tag--conditional"}` },
      t(requirement.required ? "service.required" : "service.conditional"),
    ),
    hints.map((text) => h("span", { class: "hint checklist__hint" }, text)),
  );
}

function requirementsSection(requirements) {
  const required = requirements.filter((r) => r.required).length;
  return [
    h("h2", { class: "heading-l", id: "requirements" }, t("service.requirements")),
    requirements.length
      ? h(
          "p",
          {},
          t("service.requirements_required", { n: required }),
          required < requirements.length
            ? [" ", t("service.requirements_conditional", { n: requirements.length - required })]
            : null,
        )
      : h("p", {}, t("service.requirements_none")),
    requirements.length ? h("ul", { class: "checklist" }, requirements.map(requirementItem)) : null,
  ];
}

function legalBasisSection(items) {
  return [
    h("h2", { class: "heading-l", id: "legal-basis" }, t("service.legal_basis")),
    items.length
      ? h("ol", { class: "list list--number legal-basis" }, items.map((item) => h("li", {}, item)))
      : h("p", {}, t("service.legal_basis_none")),
  ];
}

function notesSection(notes) {
  if (!notes.length) return [];
  return [
    h("h2", { class: "heading-m", id: "notes" }, t("service.notes")),
    h("ul", { class: "list list--bullet service-notes" }, notes.map((text) => h("li", {}, text))),
  ];
}

/** Name the agency in the current language (the Indonesian name when no English one is given). */
function agencyName(s) {
  return (currentLang() === "en" && s.agency_en) || s.agency;
}

function helpAside(id) {
  const q = encodeURIComponent(id);
  return h(
    "aside",
    { class: "grid-column-one-third related", "aria-labelledby": "help-heading" },
    h("h2", { class: "heading-m", id: "help-heading" }, t("service.help")),
    h(
      "ul",
      { class: "list" },
      h("li", {}, h("a", { href: `consult.html?service=${q}` }, t("service.help_consult"))),
      pageExists("visit.html") ? h("li", {}, h("a", { href: "visit.html" }, t("service.help_visit"))) : null,
      h("li", {}, h("a", { href: "track.html" }, t("service.help_track"))),
    ),
  );
}

function renderService() {
  const name = pick(service, "name");
  document.title = `${name} — ${t("site.name")}`;
  crumb.textContent = name;
  const requirements = service.requirements || [];
  const facts = h(
    "dl",
    { class: "summary-list" },
    service.agency ? fact("service.agency", agencyName(service)) : null,
    fact(
      "service.fee",
      typeof service.fee_idr === "number"
        ? [h("span", { class: "nowrap-amount" }, feeText(service)), note(pick(service, "fee_note"))]
        : feeText(service),
    ),
    fact("service.sla", slaText(service), typeof service.sla_days === "number" ? note(pick(service, "sla_note")) : null),
    fact(
      "service.survey",
      t(service.field_survey ? "service.survey_yes" : "service.survey_no"),
      note(pick(service, "field_survey_note")),
    ),
    fact("service.validity", validityText(service)),
  );
  doneLoading(container);
  container.replaceChildren(
    h(
      "div",
      { class: "grid-row" },
      h(
        "div",
        { class: "grid-column-two-thirds" },
        h("span", { class: "caption-l" }, t(`category.${service.category}`)),
        h("h1", { class: "heading-xl", id: "service-name" }, name),
        pick(service, "summary") ? h("p", { class: "lead" }, pick(service, "summary")) : null,
        facts,
        service.applied_at
          ? h(
              "div",
              { class: "inset-text", id: "applied-elsewhere" },
              h("p", {}, t("service.applied_elsewhere", { where: pick(service.applied_at, "name") })),
              h(
                "p",
                {},
                h("a", { href: service.applied_at.url, rel: "noopener noreferrer external" }, service.applied_at.url),
              ),
            )
          : h(
              "a",
              {
                class: "button button--start",
                href: `apply.html?service=${encodeURIComponent(service.id)}`,
              },
              t("service.apply"),
              h("span", { class: "button__arrow", "aria-hidden": "true" }, " →"),
            ),
        ...requirementsSection(requirements),
        ...legalBasisSection(service.legal_basis || []),
        ...notesSection(pickList(service, "notes")),
      ),
      helpAside(service.id),
    ),
  );
}

function renderMissing(titleKey, textKey) {
  document.title = `${t(titleKey)} — ${t("site.name")}`;
  crumb.textContent = t(titleKey);
  doneLoading(container);
  container.replaceChildren(
    h("h1", { class: "heading-xl" }, t(titleKey)),
    h("p", {}, t(textKey)),
    h("p", {}, h("a", { href: "index.html" }, t("service.back_home"))),
    h("p", {}, h("a", { href: "consult.html" }, t("service.ask_officer"))),
  );
}

function render() {
  if (service) renderService();
  else if (!serviceId) renderMissing("service.not_chosen", "service.not_chosen_text");
  else if (failure instanceof ApiError && failure.status === 404) renderMissing("service.not_found", "service.not_found_text");
  else if (failure) showError(container, failure, { retry: load });
}

async function load() {
  failure = null;
  showLoading(container);
  try {
    service = await apiGet(`/services/${encodeURIComponent(serviceId)}`);
  } catch (error) {
    failure = error;
  }
  render();
}

onLangChange(render);
if (serviceId) load();
else render();
