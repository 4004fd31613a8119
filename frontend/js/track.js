// Track: an application's status, its history and what is missing, from its number and access code
// (typed, or read from the link's `#id=…&token=…`, which is then wiped from the address bar). When
// an officer returned the application, the missing documents are uploaded here and sent back.

import { ApiError, apiFetch, apiGet } from "./api.js";
import { doneLoading, h, showError, showLoading } from "./dom.js";
import { FormErrors, busyButton, fill, serverErrors, setTitle } from "./forms.js";
import { addMessages, applyTranslations, currentLang, onLangChange, otherLang, pick, t } from "./i18n.js";
import { formatDate, formatDateTime, statusName, statusTag } from "./status.js";
import { DocumentUpload } from "./uploads.js";

addMessages({
  id: {
    "track.title": "Lacak permohonan — Satu Pintu",
    "track.heading": "Lacak permohonan",
    "track.lead": "Masukkan nomor permohonan dan kode akses yang Anda terima saat mengajukan.",
    "track.number_label": "Nomor permohonan",
    "track.number_hint": "Contoh: SP-2611-7K3M9Q",
    "track.token_label": "Kode akses",
    "track.token_hint": "Kode panjang yang ditampilkan setelah Anda mengajukan, juga ada di tautan lacak.",
    "track.submit": "Lacak",
    "track.error_number": "Masukkan nomor permohonan",
    "track.error_token": "Masukkan kode akses",
    "track.not_found":
      "Permohonan tidak ditemukan atau kode akses salah. Periksa nomor permohonan dan kode akses Anda.",
    "track.result_heading": "Permohonan {id}",
    "track.service": "Layanan",
    "track.status": "Status",
    "track.submitted_at": "Diajukan",
    "track.updated_at": "Terakhir diperbarui",
    "track.explain.SUBMITTED": "Permohonan Anda sudah diterima dan menunggu diperiksa petugas.",
    "track.explain.IN_REVIEW": "Petugas sedang memeriksa permohonan dan dokumen Anda.",
    "track.explain.SURVEY_SCHEDULED": "Petugas akan meninjau lokasi. Jadwal dan catatannya ada di riwayat.",
    "track.explain.SURVEYED": "Peninjauan lapangan sudah dilakukan. Petugas sedang menyiapkan keputusan.",
    "track.explain.APPROVED": "Permohonan disetujui. Dokumen izin sedang diterbitkan.",
    "track.explain.ISSUED": "Dokumen izin sudah terbit.",
    "track.explain.REJECTED": "Permohonan ditolak. Alasannya ada di riwayat di bawah.",
    "track.explain.RETURNED":
      "Permohonan dikembalikan karena ada dokumen yang kurang atau perlu diperbaiki. Unggah dokumen di bawah ini, lalu kirim.",
    "track.missing_heading": "Dokumen yang diminta petugas",
    "track.resubmit": "Kirim dokumen",
    "track.resubmitting": "Mengirim…",
    "track.resubmitted": "Dokumen terkirim. Permohonan Anda kembali menunggu pemeriksaan petugas.",
    "track.success": "Berhasil",
    "track.document_heading": "Dokumen izin",
    "track.document_number": "Nomor dokumen",
    "track.document_status": "Status dokumen",
    "track.document.valid": "Berlaku",
    "track.document.revoked": "Dicabut",
    "track.document.expired": "Kedaluwarsa",
    "track.issued_at": "Terbit",
    "track.valid_until": "Berlaku sampai",
    "track.download": "Unduh dokumen izin (PDF)",
    "track.history_heading": "Riwayat",
    "track.refresh": "Perbarui status",
  },
  en: {
    "track.title": "Track an application — Satu Pintu",
    "track.heading": "Track an application",
    "track.lead": "Enter the application number and the access code you received when you applied.",
    "track.number_label": "Application number",
    "track.number_hint": "For example: SP-2611-7K3M9Q",
    "track.token_label": "Access code",
    "track.token_hint": "The long code shown after you applied; it is also in the tracking link.",
    "track.submit": "Track",
    "track.error_number": "Enter the application number",
    "track.error_token": "Enter the access code",
    "track.not_found":
      "Application not found, or the access code is wrong. Check the application number and the access code.",
    "track.result_heading": "Application {id}",
    "track.service": "Service",
    "track.status": "Status",
    "track.submitted_at": "Submitted",
    "track.updated_at": "Last updated",
    "track.explain.SUBMITTED": "Your application has been received and is waiting for an officer.",
    "track.explain.IN_REVIEW": "An officer is checking your application and documents.",
    "track.explain.SURVEY_SCHEDULED": "An officer will inspect the site. The date and notes are in the history.",
    "track.explain.SURVEYED": "The field survey is done. An officer is preparing the decision.",
    "track.explain.APPROVED": "Your application is approved. The permit is being issued.",
    "track.explain.ISSUED": "Your permit has been issued.",
    "track.explain.REJECTED": "Your application was rejected. The reason is in the history below.",
    "track.explain.RETURNED":
      "Your application was returned because a document is missing or must be corrected. Upload the documents below, then send them.",
    "track.missing_heading": "Documents the officer asked for",
    "track.resubmit": "Send documents",
    "track.resubmitting": "Sending…",
    "track.resubmitted": "Documents sent. Your application is waiting for an officer again.",
    "track.success": "Success",
    "track.document_heading": "Permit",
    "track.document_number": "Document number",
    "track.document_status": "Document status",
    "track.document.valid": "Valid",
    "track.document.revoked": "Revoked",
    "track.document.expired": "Expired",
    "track.issued_at": "Issued",
    "track.valid_until": "Valid until",
    "track.download": "Download the permit (PDF)",
    "track.history_heading": "History",
    "track.refresh": "Refresh the status",
  },
});
applyTranslations();

const form = document.getElementById("track-form");
const numberInput = document.getElementById("tracking-number");
const tokenInput = document.getElementById("access-token");
const result = document.getElementById("result");
const errors = new FormErrors({ main: document.getElementById("track") });

// What is on screen: the application as the API answered, its service, and the uploads for what is missing.
let view = null;
let token = "";
let service = null;
let uploads = new Map();
let notice = null;

// Resubmitting checks every document, like a submission: wait for the gateway's own answer.
const SUBMIT_TIMEOUT_MS = 60000;

// Same rule as the server: any case, spaces dropped.
const normalise = (text) => text.trim().toUpperCase().replace(/\s+/g, "");

// ---------- The link's fragment ----------

function readLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get("id");
  const secret = params.get("token");
  if (secret) {
    // Keep the number for a reload, never the code: it must not stay in history or a shared address.
    const url = new URL(location.href);
    url.hash = id ? `id=${encodeURIComponent(id)}` : "";
    history.replaceState(history.state, "", url);
    const langSwitch = document.getElementById("lang-switch");
    if (langSwitch) {
      url.searchParams.set("lang", otherLang(currentLang()));
      langSwitch.setAttribute("href", url.pathname.split("/").pop() + url.search + url.hash);
    }
  }
  if (id) numberInput.value = id;
  if (secret) tokenInput.value = secret;
  return Boolean(id && secret);
}

// ---------- Loading ----------

async function track(event) {
  event?.preventDefault();
  const id = normalise(numberInput.value);
  const secret = tokenInput.value.trim();
  const missing = [];
  if (!id) missing.push({ id: "tracking-number", text: () => t("track.error_number") });
  if (!secret) missing.push({ id: "access-token", text: () => t("track.error_token") });
  if (missing.length) {
    errors.show(missing);
    return;
  }
  errors.clear();
  notice = null;
  await load(id, secret, { focus: true });
}

async function load(id, secret, { focus }) {
  showLoading(result);
  try {
    const loaded = await apiGet(`/applications/${encodeURIComponent(id)}`, {}, { headers: authorization(secret) });
    if (!service || service.id !== loaded.service_id) service = await loadService(loaded.service_id);
    view = loaded;
    token = secret;
    prepareUploads();
    doneLoading(result);
    render(focus);
  } catch (error) {
    view = null;
    doneLoading(result);
    result.replaceChildren();
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
      errors.show([{ id: "tracking-number", text: () => t("track.not_found"), inline: false }]);
    } else {
      showError(result, error, { retry: () => load(id, secret, { focus: true }) });
    }
  }
}

function authorization(secret) {
  return { Authorization: `Bearer ${secret}` };
}

// The service gives names and upload limits; the status is still worth showing without it.
async function loadService(id) {
  try {
    return await apiGet(`/services/${encodeURIComponent(id)}`);
  } catch {
    return { id, name_id: id, name_en: id, requirements: [] };
  }
}

// ---------- Returned: upload what is missing ----------

const FALLBACK_LIMITS = { accepted_types: ["application/pdf", "image/jpeg", "image/png"], max_size_bytes: 5242880 };

function missingRequirements() {
  if (view?.status !== "RETURNED") return [];
  return (view.missing_requirements || []).map((missing) => {
    const known = (service?.requirements || []).find((r) => r.id === missing.requirement_id);
    return { ...FALLBACK_LIMITS, ...known, ...missing, id: missing.requirement_id };
  });
}

function prepareUploads() {
  const wanted = missingRequirements();
  const kept = new Map();
  for (const requirement of wanted) {
    const existing = uploads.get(requirement.id);
    kept.set(
      requirement.id,
      existing ||
        new DocumentUpload({
          serviceId: view.service_id,
          requirement,
          required: true,
          onChange: (upload) => upload.state === "uploaded" && errors.resolve(upload.id),
        }),
    );
  }
  for (const [id, upload] of uploads) if (!kept.has(id)) upload.cancel();
  uploads = kept;
}

async function resubmit(event) {
  event.preventDefault();
  const button = event.submitter || event.currentTarget.querySelector("button[type=submit]");
  if (button?.dataset.busy) return;
  const problems = [...uploads.values()].map((upload) => upload.blockerError()).filter(Boolean);
  if (problems.length) {
    errors.show(problems);
    return;
  }
  errors.clear();
  const documents = [...uploads.values()].map((u) => ({ requirement_id: u.requirement.id, upload_id: u.uploadId }));
  const done = button ? busyButton(button, t("track.resubmitting")) : () => {};
  try {
    await apiFetch(`/applications/${encodeURIComponent(view.id)}/documents`, {
      method: "POST",
      body: { documents },
      headers: authorization(token),
      timeout: SUBMIT_TIMEOUT_MS,
    });
    done();
    for (const upload of uploads.values()) upload.cancel();
    uploads = new Map();
    notice = () => t("track.resubmitted");
    await load(view.id, token, { focus: true });
  } catch (error) {
    done();
    errors.show(documentErrors(error, documents));
  }
}

/** Place a 422's details on the uploads they name; a refused upload must be chosen again. */
function documentErrors(error, documents) {
  const uploadFor = (field, detail) => {
    const index = /^documents\[(\d+)\]/.exec(field)?.[1];
    const requirementId = detail.requirement_id || (index !== undefined ? documents[index]?.requirement_id : null);
    return requirementId ? uploads.get(requirementId) : null;
  };
  return serverErrors(error, {
    fieldIds: (field, detail) => {
      const upload = uploadFor(field, detail);
      const label = upload ? upload.label : pick(detail, "label");
      return { id: upload?.id || null, text: () => t("upload.blocker_missing", { label }) };
    },
    onDetail: (detail, entry) => {
      const upload = uploadFor(String(detail.field || ""), detail);
      if (upload && String(detail.code || "").startsWith("upload_")) upload.reject(entry.text);
    },
  });
}

// ---------- Drawing ----------

function fact(labelKey, ...value) {
  return h(
    "div",
    { class: "summary-list__row" },
    h("dt", { class: "summary-list__key" }, t(labelKey)),
    h("dd", { class: "summary-list__value" }, ...value),
  );
}

function returnedSection() {
  if (!uploads.size) return [];
  return [
    h("h3", { class: "heading-m", id: "missing-heading" }, t("track.missing_heading")),
    h(
      "form",
      { id: "resubmit-form", novalidate: true, "aria-labelledby": "missing-heading", on: { submit: resubmit } },
      [...uploads.values()].map((upload) => upload.el),
      h("button", { class: "button", type: "submit", id: "resubmit" }, t("track.resubmit")),
    ),
  ];
}

function documentSection(document) {
  if (!document) return [];
  return [
    h("h3", { class: "heading-m" }, t("track.document_heading")),
    h(
      "dl",
      { class: "summary-list" },
      fact("track.document_number", h("span", { class: "reference" }, document.number)),
      fact(
        "track.document_status",
        h("strong", { class: "tag", dataset: { status: document.status } }, t(`track.document.${document.status}`)),
      ),
      document.issued_at ? fact("track.issued_at", formatDateTime(document.issued_at)) : null,
      document.valid_until ? fact("track.valid_until", formatDate(document.valid_until)) : null,
    ),
    document.download_url
      ? h("p", {}, h("a", { class: "button", href: document.download_url, rel: "noreferrer" }, t("track.download")))
      : null,
  ];
}

function timeline(entries) {
  const newestFirst = [...(entries || [])].reverse();
  return h(
    "ol",
    { class: "timeline", id: "timeline" },
    newestFirst.map((entry, i) =>
      h(
        "li",
        { class: `timeline__item${i === 0 ? " timeline__item--current" : ""}` },
        h("h4", { class: "timeline__title" }, statusName(entry.status)),
        h("time", { class: "timeline__date", datetime: entry.at }, formatDateTime(entry.at)),
        entry.note ? h("div", { class: "timeline__body" }, h("p", {}, entry.note)) : null,
      ),
    ),
  );
}

function render(focus) {
  if (!view) return;
  const serviceHref = `service.html?id=${encodeURIComponent(view.service_id)}`;
  const heading = h(
    "h2",
    { class: "heading-l", id: "result-heading", tabindex: "-1" },
    t("track.result_heading", { id: view.id }),
  );
  fill(result,
    notice
      ? h(
          "div",
          { class: "notification-banner notification-banner--success", role: "status" },
          h("div", { class: "notification-banner__header" }, t("track.success")),
          h("div", { class: "notification-banner__content" }, h("p", {}, notice())),
        )
      : null,
    heading,
    h(
      "dl",
      { class: "summary-list" },
      fact("track.service", h("a", { href: serviceHref }, pick(service, "name") || view.service_id)),
      fact("track.status", statusTag(view.status, { id: "status" })),
      view.submitted_at ? fact("track.submitted_at", formatDateTime(view.submitted_at)) : null,
      view.updated_at ? fact("track.updated_at", formatDateTime(view.updated_at)) : null,
    ),
    h("p", { class: "inset-text", id: "status-explained" }, t(`track.explain.${view.status}`)),
    ...returnedSection(),
    ...documentSection(view.document),
    h("h3", { class: "heading-m" }, t("track.history_heading")),
    timeline(view.history),
    h(
      "button",
      {
        type: "button",
        class: "button button--secondary",
        on: { click: () => load(view.id, token, { focus: true }) },
      },
      t("track.refresh"),
    ),
  );
  setTitle(`${t("track.result_heading", { id: view.id })} — ${t("site.name")}`, errors.count > 0);
  if (focus) heading.focus();
}

form.addEventListener("submit", track);
onLangChange(() => render(false));
if (readLink()) load(normalise(numberInput.value), tokenInput.value.trim(), { focus: false });
