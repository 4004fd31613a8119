// Apply: choose a service, fill in the applicant and the service's own fields, upload each document
// with a progress bar, see what is still missing, submit. The browser checks first so the citizen
// hears about a gap at once, but the server's 422 is the authority and is mapped back onto the same
// fields and documents. Success shows the tracking number and the private link to follow it.

import { ApiError, apiGet, apiPost, describeError } from "./api.js";
import { doneLoading, h, showError, showLoading } from "./dom.js";
import { feeText, slaText } from "./format.js";
import {
  FormErrors,
  busyButton,
  fill,
  focusField,
  liveText,
  looksLikeEmail,
  newIdempotencyKey,
  serverErrors,
  serverText,
  setTitle,
} from "./forms.js";
import { addMessages, applyTranslations, currentLang, intl, onLangChange, pick, t } from "./i18n.js";
import { clearDraft, loadDraft, loadReceiptFacts, saveCoverSheet, saveDraft, saveReceiptFacts } from "./drafts.js";
import { DocumentUpload } from "./uploads.js";

addMessages({
  id: {
    "apply.title": "Ajukan permohonan — Satu Pintu",
    "apply.heading": "Ajukan permohonan",
    "apply.service_label": "Layanan",
    "apply.service_hint": "Pilih layanan yang ingin Anda ajukan.",
    "apply.service_choose": "Pilih layanan",
    "apply.service_not_found": "Layanan ini tidak ditemukan. Pilih layanan dari daftar.",
    "apply.fee": "Biaya",
    "apply.sla": "Waktu penyelesaian",
    "apply.service_link": "Baca persyaratan lengkap dan dasar hukum layanan ini",
    "apply.applicant_heading": "Data pemohon",
    "apply.nik_label": "NIK (Nomor Induk Kependudukan)",
    "apply.nik_hint": "16 digit angka yang tertera pada KTP atau Kartu Keluarga Anda.",
    "apply.name_label": "Nama lengkap",
    "apply.name_hint": "Sesuai KTP.",
    "apply.email_label": "Alamat e-mail",
    "apply.email_hint": "Kami mengirim nomor permohonan dan setiap perubahan status ke alamat ini.",
    "apply.phone_label": "Nomor telepon seluler",
    "apply.phone_hint": "Contoh: 0812 3456 7890 atau +62 812 3456 7890.",
    "apply.fields_heading": "Data permohonan",
    "apply.max_length": "Paling banyak {max} karakter.",
    "apply.integer_hint": "Tulis bilangan bulat, misalnya 3.",
    "apply.decimal_hint": "Tulis angka; boleh pakai koma, misalnya 120 atau 12,5.",
    "apply.documents_heading": "Dokumen persyaratan",
    "apply.documents_intro": "Unggah satu berkas untuk setiap dokumen. Foto harus jelas dan seluruh halaman terlihat.",
    "apply.documents_none": "Layanan ini tidak memerlukan dokumen unggahan.",
    "apply.readiness_heading": "Sebelum mengirim",
    "apply.readiness_missing": "Yang masih perlu dilengkapi:",
    "apply.readiness_ready": "Semua isian dan dokumen wajib sudah lengkap. Periksa kembali, lalu kirim.",
    "apply.privacy": "Data Anda hanya dipakai untuk memproses permohonan ini.",
    "apply.privacy_link": "Baca pemberitahuan privasi",
    "apply.declaration_label": "Saya menyatakan bahwa data dan dokumen yang saya kirim benar dan sesuai aslinya.",
    "apply.error_declaration": "Centang pernyataan bahwa data dan dokumen Anda benar",
    "apply.submit": "Kirim permohonan",
    "apply.submitting": "Mengirim…",
    "apply.error_service": "Pilih layanan",
    "apply.error_nik_empty": "Masukkan NIK Anda",
    "apply.error_nik_format": "NIK harus 16 digit angka",
    "apply.error_nik_date": "Digit 7–12 NIK harus tanggal lahir (HHBBTT). Periksa kembali NIK Anda",
    "apply.error_nik_serial": "Empat digit terakhir NIK tidak boleh 0000. Periksa kembali NIK Anda",
    "apply.error_name_empty": "Masukkan nama lengkap Anda",
    "apply.error_name_length": "Nama lengkap harus 2 sampai 100 karakter",
    "apply.error_email_empty": "Masukkan alamat e-mail Anda",
    "apply.error_email_format": "Masukkan alamat e-mail dengan format yang benar, misalnya nama@contoh.id",
    "apply.error_phone_empty": "Masukkan nomor telepon seluler Anda",
    "apply.error_phone_format": "Masukkan nomor telepon yang benar, misalnya 0812 3456 7890",
    "apply.error_field_empty": "Isi “{label}”",
    "apply.error_field_number": "“{label}” harus berupa angka, misalnya 120",
    "apply.error_field_integer": "“{label}” harus bilangan bulat, tanpa koma, misalnya 3",
    "apply.error_field_negative": "“{label}” harus nol atau lebih",
    "apply.error_field_date": "“{label}” harus berupa tanggal yang benar",
    "apply.error_field_length": "“{label}” paling banyak {max} karakter",
    "apply.error_field_invalid": "Periksa kembali “{label}”",
    "apply.error_in_progress": "Permohonan Anda sedang diproses. Tunggu sebentar, lalu tekan “Kirim permohonan” lagi.",
    "apply.error_retry": "Isian Anda tetap tersimpan di halaman ini. Tekan “Kirim permohonan” lagi.",
    "apply.done_page_title": "Permohonan terkirim — Satu Pintu",
    "apply.done_title": "Permohonan terkirim",
    "apply.done_number": "Nomor permohonan Anda",
    "apply.save_warning": "Peringatan",
    "apply.save_note":
      "Simpan nomor permohonan dan tautan lacak di bawah ini. Anda memerlukan keduanya untuk melihat status atau melengkapi dokumen.",
    "apply.track_link": "Lacak permohonan ini",
    "apply.token_summary": "Kode akses untuk melacak dari perangkat lain",
    "apply.token_text": "Masukkan nomor permohonan dan kode akses ini di halaman Lacak:",
    "apply.warnings_heading": "Mohon diperiksa",
    "apply.next_heading": "Apa selanjutnya",
    "apply.next_email": "Kami mengirim nomor permohonan ini ke {email}.",
    "apply.next_review": "Petugas memeriksa permohonan Anda. Waktu penyelesaian: {sla}.",
    "apply.next_returned":
      "Bila ada dokumen yang kurang, permohonan dikembalikan dan Anda dapat melengkapinya di halaman Lacak.",
    "apply.another": "Ajukan permohonan lain",
    "apply.applied_elsewhere": "Layanan ini tidak diajukan lewat Satu Pintu. Ajukan di {where}:",
    "apply.draft_title": "Isian Anda dipulihkan",
    "apply.draft_text": "Isian dan dokumen yang sudah Anda unggah di tab ini dipulihkan. Periksa kembali, lalu kirim.",
    "apply.start_over": "Mulai dari awal",
  },
  en: {
    "apply.title": "Apply — Satu Pintu",
    "apply.heading": "Apply",
    "apply.service_label": "Service",
    "apply.service_hint": "Choose the service you are applying for.",
    "apply.service_choose": "Choose a service",
    "apply.service_not_found": "This service was not found. Choose a service from the list.",
    "apply.fee": "Fee",
    "apply.sla": "Processing time",
    "apply.service_link": "Read this service's full requirements and legal basis",
    "apply.applicant_heading": "Applicant",
    "apply.nik_label": "NIK (national identity number)",
    "apply.nik_hint": "The 16 digits on your ID card (KTP) or family card.",
    "apply.name_label": "Full name",
    "apply.name_hint": "As on your ID card.",
    "apply.email_label": "E-mail address",
    "apply.email_hint": "We send the application number and every change of status to this address.",
    "apply.phone_label": "Mobile phone number",
    "apply.phone_hint": "For example: 0812 3456 7890 or +62 812 3456 7890.",
    "apply.fields_heading": "About your application",
    "apply.max_length": "{max} characters at most.",
    "apply.integer_hint": "Write a whole number, for example 3.",
    "apply.decimal_hint": "Write a number; decimals are fine, for example 120 or 12.5.",
    "apply.documents_heading": "Required documents",
    "apply.documents_intro": "Upload one file for each document. Photos must be sharp and show the whole page.",
    "apply.documents_none": "This service needs no uploaded documents.",
    "apply.readiness_heading": "Before you send",
    "apply.readiness_missing": "Still to do:",
    "apply.readiness_ready": "Every required answer and document is there. Check them, then send.",
    "apply.privacy": "Your data is used only to process this application.",
    "apply.privacy_link": "Read the privacy notice",
    "apply.declaration_label": "I declare that the data and documents I send are true and match the originals.",
    "apply.error_declaration": "Tick the declaration that your data and documents are true",
    "apply.submit": "Send application",
    "apply.submitting": "Sending…",
    "apply.error_service": "Choose a service",
    "apply.error_nik_empty": "Enter your NIK",
    "apply.error_nik_format": "NIK must be 16 digits",
    "apply.error_nik_date": "Digits 7–12 of a NIK are the birth date (DDMMYY). Check your NIK",
    "apply.error_nik_serial": "The last four digits of a NIK cannot be 0000. Check your NIK",
    "apply.error_name_empty": "Enter your full name",
    "apply.error_name_length": "Full name must be 2 to 100 characters",
    "apply.error_email_empty": "Enter your e-mail address",
    "apply.error_email_format": "Enter an e-mail address in the correct format, like name@example.com",
    "apply.error_phone_empty": "Enter your mobile phone number",
    "apply.error_phone_format": "Enter a phone number like 0812 3456 7890",
    "apply.error_field_empty": "Enter “{label}”",
    "apply.error_field_number": "“{label}” must be a number, like 120",
    "apply.error_field_integer": "“{label}” must be a whole number, with no decimals, like 3",
    "apply.error_field_negative": "“{label}” must be zero or more",
    "apply.error_field_date": "“{label}” must be a real date",
    "apply.error_field_length": "“{label}” must be {max} characters or fewer",
    "apply.error_field_invalid": "Check “{label}”",
    "apply.error_in_progress":
      "Your application is being processed. Wait a moment, then press “Send application” again.",
    "apply.error_retry": "What you entered is still on this page. Press “Send application” again.",
    "apply.done_page_title": "Application sent — Satu Pintu",
    "apply.done_title": "Application sent",
    "apply.done_number": "Your application number",
    "apply.save_warning": "Warning",
    "apply.save_note":
      "Keep the application number and the tracking link below. You need both to see the status or to add documents.",
    "apply.track_link": "Track this application",
    "apply.token_summary": "Access code to track from another device",
    "apply.token_text": "Enter the application number and this access code on the Track page:",
    "apply.warnings_heading": "Please check",
    "apply.next_heading": "What happens next",
    "apply.next_email": "We sent this application number to {email}.",
    "apply.next_review": "An officer reviews your application. Processing time: {sla}.",
    "apply.next_returned":
      "If a document is missing, the application is returned and you can add it on the Track page.",
    "apply.another": "Make another application",
    "apply.applied_elsewhere": "This service is not applied for through Satu Pintu. Apply on {where}:",
    "apply.draft_title": "Your answers are back",
    "apply.draft_text": "What you typed and uploaded in this tab has been restored. Check it, then send.",
    "apply.start_over": "Start over",
  },
});
applyTranslations();

const column = document.getElementById("apply");
const form = document.getElementById("apply-form");
const select = document.getElementById("service");
addMessages({
  id: {
    "apply.channel_legend": "Cara mengirim dokumen",
    "apply.channel_hint":
      "Unggah sekarang, atau kirim berkas kertas lewat kotak surat atau kurir dengan lembar sampul yang Anda cetak.",
    "apply.channel_online": "Unggah dokumen sekarang",
    "apply.channel_dropbox": "Kotak surat di kantor layanan",
    "apply.channel_courier": "Kurir",
    "apply.paper_intro":
      "Anda tidak mengunggah dokumen. Setelah menyimpan, cetak lembar sampul dan masukkan ke amplop bersama dokumen yang disebutkan di sana.",
    "apply.paper_submit": "Simpan dan cetak lembar sampul",
    "apply.paper_saving": "Menyimpan…",
  },
  en: {
    "apply.channel_legend": "How you send the documents",
    "apply.channel_hint":
      "Upload them now, or send paper copies through a drop box or a courier with a cover sheet you print.",
    "apply.channel_online": "Upload the documents now",
    "apply.channel_dropbox": "A drop box at a service office",
    "apply.channel_courier": "Courier",
    "apply.paper_intro":
      "You upload nothing. Once saved, print the cover sheet and put it in the envelope with the documents it lists.",
    "apply.paper_submit": "Save and print the cover sheet",
    "apply.paper_saving": "Saving…",
  },
});

const serviceStatus = document.getElementById("service-status");
const details = document.getElementById("apply-details");
const facts = document.getElementById("service-facts");
const fieldsSection = document.getElementById("service-fields");
const documentsSection = document.getElementById("documents");
const paperNote = h("p", { class: "inset-text", id: "paper-note", hidden: true }, liveText(() => t("apply.paper_intro")));
documentsSection.after(paperNote);
const readiness = document.getElementById("readiness");
const submitButton = document.getElementById("submit");
const errors = new FormErrors({ main: column });

const PHONE = /^\+?[0-9][0-9 ()-]{6,19}$/;
// A submission checks every document before answering. API Gateway ends a request at 30 s; waiting
// longer than that means the citizen hears the gateway's own answer instead of an unknown outcome.
const SUBMIT_TIMEOUT_MS = 60000;
const APPLICANT_FIELDS = {
  "applicant.nik": "nik",
  "applicant.name": "name",
  "applicant.email": "email",
  "applicant.phone": "phone",
};

let catalogue = [];
let service = null;
let uploads = new Map(); // requirement id → DocumentUpload
let idempotencyKey = newIdempotencyKey();
let submitting = false;
let receipt = null;
let sentEmail = "";

const value = (id) => document.getElementById(id)?.value.trim() ?? "";
const nikDigits = () => value("nik").replace(/[\s.-]/g, "");
const fieldId = (field) => `field-${field.id}`;
const isNumber = (field) => field.type === "integer" || field.type === "decimal";

// ---------- Choosing the service ----------

function fillServiceOptions() {
  const chosen = select.value || service?.id || "";
  const { compare } = intl("Collator", currentLang());
  const sorted = [...catalogue].sort((a, b) => compare(pick(a, "name"), pick(b, "name")));
  fill(select,
    h("option", { value: "" }, t("apply.service_choose")),
    sorted.map((s) => h("option", { value: s.id }, pick(s, "name"))),
  );
  select.value = catalogue.some((s) => s.id === chosen) ? chosen : "";
}

async function loadCatalogue() {
  try {
    catalogue = (await apiGet("/services")).services || [];
    fillServiceOptions();
  } catch (error) {
    showError(serviceStatus, error, { retry: loadCatalogue });
  }
}

function rememberServiceInAddress(id) {
  const url = new URL(location.href);
  if (id) url.searchParams.set("service", id);
  else url.searchParams.delete("service");
  history.replaceState(history.state, "", url);
}

async function chooseService(id) {
  errors.clear();
  rememberServiceInAddress(id);
  if (!id) {
    service = null;
    details.hidden = true;
    serviceStatus.replaceChildren();
    return;
  }
  showLoading(serviceStatus);
  let loaded;
  try {
    loaded = await apiGet(`/services/${encodeURIComponent(id)}`);
  } catch (error) {
    service = null;
    details.hidden = true;
    if (error instanceof ApiError && error.status === 404) {
      doneLoading(serviceStatus);
      serviceStatus.replaceChildren();
      errors.show([{ id: "service", text: () => t("apply.service_not_found") }]);
    } else {
      showError(serviceStatus, error, { retry: () => chooseService(id) });
    }
    return;
  }
  if (select.value && select.value !== id) return; // the citizen has chosen another one meanwhile
  doneLoading(serviceStatus);
  if (loaded.applied_at) {
    // Applied for elsewhere (the NIB, on OSS): say where, and draw no form this site would refuse.
    service = null;
    details.hidden = true;
    const where = loaded.applied_at;
    fill(serviceStatus,
      h(
        "div",
        { class: "inset-text", id: "applied-elsewhere" },
        liveText(() => t("apply.applied_elsewhere", { where: pick(where, "name") })),
        " ",
        h("a", { href: where.url, rel: "noopener noreferrer external" }, where.url),
      ),
    );
    return;
  }
  service = loaded;
  serviceStatus.replaceChildren();
  renderService();
  if (pendingDraft?.service_id === id) restoreDraft(pendingDraft);
  pendingDraft = null;
}

// ---------- The service's own fields and documents ----------

function fieldControl(field, previous) {
  const id = fieldId(field);
  const hints = [];
  if (isNumber(field)) hints.push(() => t(`apply.${field.type}_hint`));
  if (field.max_length && !isNumber(field)) hints.push(() => t("apply.max_length", { max: field.max_length }));
  const hintId = hints.length ? `${id}-hint` : null;
  const common = { id, name: id, "aria-describedby": hintId, dataset: { field: field.id } };
  let control;
  if (field.type === "textarea") control = h("textarea", { ...common, class: "textarea", rows: "4" });
  else if (field.type === "date") control = h("input", { ...common, class: "input input--width-10", type: "date" });
  else if (isNumber(field)) {
    const inputmode = field.type === "integer" ? "numeric" : "decimal";
    control = h("input", { ...common, class: "input input--width-10", type: "text", inputmode });
  } else control = h("input", { ...common, class: "input", type: "text" });
  if (previous !== undefined) control.value = previous;
  return h(
    "div",
    { class: "form-group" },
    h("label", { class: "label label--s", for: id }, liveText(() => pick(field, "label"))),
    hintId ? h("div", { class: "hint", id: hintId }, liveText(() => hints.map((hint) => hint()).join(" "))) : null,
    control,
  );
}

function renderService() {
  const previous = {};
  for (const el of fieldsSection.querySelectorAll("[data-field]")) previous[el.dataset.field] = el.value;
  for (const upload of uploads.values()) upload.cancel();
  uploads = new Map();
  idempotencyKey = newIdempotencyKey();

  fill(facts,
    h(
      "dl",
      { class: "summary-list apply__facts" },
      h(
        "div",
        { class: "summary-list__row" },
        h("dt", { class: "summary-list__key" }, liveText(() => t("apply.fee"))),
        h("dd", { class: "summary-list__value" }, liveText(() => feeText(service))),
      ),
      h(
        "div",
        { class: "summary-list__row" },
        h("dt", { class: "summary-list__key" }, liveText(() => t("apply.sla"))),
        h("dd", { class: "summary-list__value" }, liveText(() => slaText(service))),
      ),
    ),
    h(
      "p",
      {},
      h("a", { href: `service.html?id=${encodeURIComponent(service.id)}` }, liveText(() => t("apply.service_link"))),
    ),
  );

  const fields = service.form_fields || [];
  fill(fieldsSection,
    fields.length ? h("h2", { class: "heading-l" }, liveText(() => t("apply.fields_heading"))) : null,
    fields.map((field) => fieldControl(field, previous[field.id])),
  );

  const requirements = service.requirements || [];
  for (const requirement of requirements) {
    uploads.set(requirement.id, new DocumentUpload({ serviceId: service.id, requirement, onChange: uploadChanged }));
  }
  fill(documentsSection,
    h("h2", { class: "heading-l", id: "documents-heading" }, liveText(() => t("apply.documents_heading"))),
    h("p", {}, liveText(() => t(requirements.length ? "apply.documents_intro" : "apply.documents_none"))),
    [...uploads.values()].map((upload) => upload.el),
  );
  details.hidden = false;
  showChannel();
  updateReadiness();
}

// ---------- What is missing ----------

/** Return the message key for a NIK whose shape is wrong, or null (the server checks the area codes). */
function nikProblem(nik) {
  if (!/^\d{16}$/.test(nik)) return "apply.error_nik_format";
  const day = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  // Digits 7-12 are the birth date (DDMMYY); a woman's day has 40 added.
  if (month < 1 || month > 12 || !((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return "apply.error_nik_date";
  if (nik.slice(12) === "0000") return "apply.error_nik_serial";
  return null;
}

/** Show a NIK of the wrong shape on its field at once, leaving any other error shown as it is. */
function checkNikNow() {
  const nik = nikDigits();
  const key = nik ? nikProblem(nik) : null;
  if (!key) {
    errors.resolve("nik");
    return;
  }
  const others = errors.errors.filter((error) => error.id !== "nik");
  errors.show([{ id: "nik", text: () => t(key) }, ...others], { focus: false });
}

function uploadChanged(upload) {
  // A document that has arrived no longer needs its "upload this" message.
  if (upload.state === "uploaded") errors.resolve(upload.id);
  // Before the citizen spends time uploading, a NIK of the wrong shape is named.
  if (upload.state === "uploading") checkNikNow();
  updateReadiness();
  keepDraft();
}

function fieldProblem(field) {
  const el = document.getElementById(fieldId(field));
  const text = el.value.trim();
  if (!text) return field.required ? { kind: "missing", key: "apply.error_field_empty" } : null;
  if (isNumber(field)) {
    const number = readNumber(text);
    if (number === null) return { key: "apply.error_field_number" };
    if (number < 0) return { key: "apply.error_field_negative" };
    if (field.type === "integer" && !Number.isInteger(number)) return { key: "apply.error_field_integer" };
  }
  if (field.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(text)) return { key: "apply.error_field_date" };
  if (field.max_length && !isNumber(field) && text.length > field.max_length) {
    return { key: "apply.error_field_length", vars: { max: field.max_length } };
  }
  return null;
}

/** Return every problem the browser can see: `[{id, text, missing}]`, `missing` for what is simply not there yet. */
/** Return "dropbox" or "courier" when the citizen sends paper, or null when they upload now. */
function paperChannel() {
  const chosen = form.querySelector('input[name="channel"]:checked')?.value || "online";
  return chosen === "online" ? null : chosen;
}

/** Show the uploads, or (paper) say that the documents go in the envelope; the button says what it does. */
function showChannel() {
  const paper = paperChannel();
  documentsSection.hidden = Boolean(paper);
  paperNote.hidden = !paper;
  document.getElementById("declaration").closest(".form-group").hidden = Boolean(paper);
  submitButton.dataset.i18n = paper ? "apply.paper_submit" : "apply.submit";
  submitButton.textContent = t(submitButton.dataset.i18n);
}

function problems() {
  const found = [];
  const add = (id, key, missing = false, vars = () => ({})) => found.push({ id, missing, text: () => t(key, vars()) });
  if (!service) {
    add("service", "apply.error_service", true);
    return found;
  }
  const nik = nikDigits();
  if (!nik) add("nik", "apply.error_nik_empty", true);
  else if (nikProblem(nik)) add("nik", nikProblem(nik));
  const name = value("name");
  if (!name) add("name", "apply.error_name_empty", true);
  else if (name.length < 2 || name.length > 100) add("name", "apply.error_name_length");
  const email = value("email");
  if (!email) add("email", "apply.error_email_empty", true);
  else if (!looksLikeEmail(email)) add("email", "apply.error_email_format");
  const phone = value("phone");
  if (!phone) add("phone", "apply.error_phone_empty", true);
  else if (!PHONE.test(phone)) add("phone", "apply.error_phone_format");
  for (const field of service.form_fields || []) {
    const problem = fieldProblem(field);
    if (problem) {
      add(fieldId(field), problem.key, problem.kind === "missing", () => ({
        label: pick(field, "label"),
        ...(problem.vars || {}),
      }));
    }
  }
  // On paper the documents travel in the envelope and the declaration is signed on the cover sheet.
  if (paperChannel()) return found;
  for (const upload of uploads.values()) {
    const blocker = upload.blockerError();
    if (blocker) found.push({ ...blocker, missing: true });
  }
  if (!document.getElementById("declaration").checked) add("declaration", "apply.error_declaration", true);
  return found;
}

function updateReadiness() {
  if (!service) return;
  const missing = problems().filter((p) => p.missing);
  if (!missing.length) {
    fill(readiness,
      h("p", { class: "readiness__ready" }, h("span", { "aria-hidden": "true" }, "✓ "), t("apply.readiness_ready")),
    );
    return;
  }
  fill(readiness,
    h("p", {}, t("apply.readiness_missing")),
    h(
      "ul",
      { class: "list list--bullet readiness__list" },
      missing.map((p) => h("li", {}, h("a", { href: `#${p.id}`, on: { click: focusField } }, p.text()))),
    ),
  );
}

// ---------- Sending ----------

/** Read a number as Indonesians and English speakers write it: 1.250,5 or 1250.5 or 12,5. */
function readNumber(text) {
  const plain = text.replace(/\s/g, "");
  let normal = null;
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(plain)) normal = plain.replaceAll(".", "").replace(",", ".");
  else if (/^-?\d+(,\d+)?$/.test(plain)) normal = plain.replace(",", ".");
  else if (/^-?\d+(\.\d+)?$/.test(plain)) normal = plain;
  return normal === null ? null : Number(normal);
}

function submission() {
  const fields = {};
  for (const field of service.form_fields || []) {
    const text = value(fieldId(field));
    if (!text) continue;
    fields[field.id] = isNumber(field) ? (readNumber(text) ?? text) : text;
  }
  const documents = [...uploads.values()]
    .filter((upload) => upload.state === "uploaded")
    .map((upload) => ({ requirement_id: upload.requirement.id, upload_id: upload.uploadId }));
  return {
    service_id: service.id,
    applicant: { nik: nikDigits(), name: value("name"), email: value("email"), phone: value("phone") },
    fields,
    documents,
    locale: currentLang(),
    declaration: document.getElementById("declaration").checked,
  };
}

function formFieldById(id) {
  return (service?.form_fields || []).find((field) => field.id === id);
}

// What to say about a field the server named without a message of its own.
function fallbackText(field) {
  const applicant = {
    "applicant.nik": "apply.error_nik_format",
    "applicant.name": "apply.error_name_length",
    "applicant.email": "apply.error_email_format",
    "applicant.phone": "apply.error_phone_format",
    service_id: "apply.error_service",
  };
  if (applicant[field]) return () => t(applicant[field]);
  const formField = field.startsWith("fields.") ? formFieldById(field.slice(7)) : null;
  if (formField) return () => t("apply.error_field_invalid", { label: pick(formField, "label") });
  return () => t("error.bad_request");
}

/** Turn a 422's details into summary entries on the same fields and documents the citizen sees. */
function submissionErrors(error, sent) {
  const uploadFor = (field, detail) => {
    const index = /^documents\[(\d+)\]/.exec(field)?.[1];
    const requirementId = detail.requirement_id || (index !== undefined ? sent.documents[index]?.requirement_id : null);
    return { requirementId, upload: requirementId ? uploads.get(requirementId) : null };
  };
  return serverErrors(error, {
    fieldIds: (field, detail) => {
      const { requirementId, upload } = uploadFor(field, detail);
      if (upload) return { id: upload.id, text: () => t("upload.blocker_missing", { label: upload.label }) };
      if (requirementId) return { id: null, text: () => t("upload.blocker_missing", { label: pick(detail, "label") }) };
      const formField = field.startsWith("fields.") ? formFieldById(field.slice(7).split(".")[0]) : null;
      if (field === "declaration") return "declaration";
      const id = APPLICANT_FIELDS[field] || (formField ? fieldId(formField) : field === "service_id" ? "service" : null);
      return { id, text: fallbackText(formField ? `fields.${formField.id}` : field) };
    },
    onDetail: (detail, entry) => {
      const { upload } = uploadFor(String(detail.field || ""), detail);
      // A refused upload (missing, expired, not what it claims) must be uploaded again.
      if (upload && String(detail.code || "").startsWith("upload_") && upload.state === "uploaded") {
        upload.reject(entry.text);
      }
    },
  });
}

// Only an answer that leaves the outcome unknown keeps the key: a retry must not apply twice.
function outcomeUnknown(error) {
  return (
    !(error instanceof ApiError) ||
    error.status === 0 ||
    error.status >= 500 ||
    error.code === "request_in_progress" ||
    error.status === 429
  );
}

/** Keep the paper application's draft at the API and open its cover sheet to print. */
async function savePaperDraft() {
  const { service_id, applicant, fields, locale } = submission();
  const done = busyButton(submitButton, t("apply.paper_saving"));
  submitting = true;
  try {
    const saved = await apiPost("/drafts", { service_id, applicant, fields, locale, channel: paperChannel() });
    saveCoverSheet({ ...saved, service_id, channel: paperChannel(), applicant_name: applicant.name });
    clearDraft();
    location.assign(`cover.html#ref=${encodeURIComponent(saved.reference)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) errors.show(serverErrors(error, { fieldIds: APPLICANT_FIELDS }));
    else errors.show([{ id: null, text: () => `${describeError(error)} ${t("apply.error_retry")}` }]);
  } finally {
    submitting = false;
    done();
  }
}

async function submit(event) {
  event.preventDefault();
  if (submitting) return;
  const found = problems();
  if (found.length) {
    errors.show(found);
    updateReadiness();
    return;
  }
  errors.clear();
  if (paperChannel()) {
    await savePaperDraft();
    return;
  }
  submitting = true;
  const done = busyButton(submitButton, t("apply.submitting"));
  const sent = submission();
  try {
    receipt = await apiPost("/applications", sent, {
      headers: { "Idempotency-Key": idempotencyKey },
      timeout: SUBMIT_TIMEOUT_MS,
    });
    sentEmail = sent.applicant.email;
    clearDraft();
    saveReceiptFacts(receipt.id, { email: sentEmail, warnings: receipt.warnings || [], service });
    // The confirmation has its own address (the token only in the fragment, which no server sees), standing
    // in for the form's: Back leaves it, Forward and reload show it again, and the form is never re-sent.
    history.replaceState(null, "", confirmationHref(receipt));
    renderConfirmation(true);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      errors.show(submissionErrors(error, sent));
    } else if (error instanceof ApiError && error.code === "request_in_progress") {
      errors.show([{ id: null, text: () => t("apply.error_in_progress") }]);
    } else {
      errors.show([{ id: null, text: () => `${describeError(error)} ${t("apply.error_retry")}` }]);
    }
    if (!outcomeUnknown(error)) idempotencyKey = newIdempotencyKey();
    updateReadiness();
  } finally {
    submitting = false;
    done();
  }
}

// ---------- Sent ----------

function trackingNumber(id) {
  // Each part on its own, so it can be read out in groups; copying still gives the exact number.
  const parts = id.split("-");
  return parts.flatMap((part, i) => [i ? "-" : null, h("span", { class: "reference__part" }, part)]);
}

function confirmationHref(sent) {
  return `apply.html#id=${encodeURIComponent(sent.id)}&token=${encodeURIComponent(sent.access_token)}`;
}

/** Return the receipt an address names (`#id=…&token=…`), or null. */
function receiptInAddress() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const id = fragment.get("id");
  const token = fragment.get("token");
  return id && token ? { id, access_token: token } : null;
}

function renderConfirmation(focus) {
  const trackHref = `track.html#id=${encodeURIComponent(receipt.id)}&token=${encodeURIComponent(receipt.access_token)}`;
  const warnings = receipt.warnings || [];
  const sla = service ? slaText(service) : t("common.set_by_officer");
  fill(column,
    h(
      "div",
      { class: "panel panel--confirmation" },
      h("h1", { class: "panel__title", id: "confirmation-title", tabindex: "-1" }, t("apply.done_title")),
      h(
        "div",
        { class: "panel__body" },
        t("apply.done_number"),
        h("br"),
        h("strong", { class: "reference reference--large", id: "tracking-number" }, trackingNumber(receipt.id)),
      ),
    ),
    h(
      "div",
      { class: "warning-text" },
      h("span", { class: "visually-hidden" }, `${t("apply.save_warning")}: `),
      t("apply.save_note"),
    ),
    h("p", {}, h("a", { class: "button", id: "track-link", href: trackHref }, t("apply.track_link"))),
    h(
      "details",
      { class: "details" },
      h("summary", { class: "details__summary" }, t("apply.token_summary")),
      h(
        "div",
        { class: "details__text" },
        h("p", {}, t("apply.token_text")),
        h("p", {}, h("code", { class: "access-code", id: "access-token" }, receipt.access_token)),
      ),
    ),
    warnings.length
      ? h(
          "div",
          { class: "inset-text" },
          h("h2", { class: "heading-s" }, t("apply.warnings_heading")),
          h("ul", { class: "list" }, warnings.map((w) => h("li", {}, serverText(w, currentLang())))),
        )
      : null,
    h("h2", { class: "heading-m" }, t("apply.next_heading")),
    sentEmail ? h("p", {}, t("apply.next_email", { email: sentEmail })) : null,
    h("p", {}, t("apply.next_review", { sla: sla.replace(/\.$/, "") })),
    h("p", {}, t("apply.next_returned")),
    h("p", {}, h("a", { href: "apply.html" }, t("apply.another"))),
  );
  setTitle(t("apply.done_page_title"));
  if (focus) document.getElementById("confirmation-title").focus();
}

// ---------- The draft kept in this tab ----------

let pendingDraft = null;
let draftNotice = null;

/** Return the form as a draft: the submission's shape, with what is shown of each upload. */
function draftOfForm() {
  const fields = {};
  for (const el of fieldsSection.querySelectorAll("[data-field]")) if (el.value) fields[el.dataset.field] = el.value;
  return {
    service_id: service.id,
    applicant: { nik: value("nik"), name: value("name"), email: value("email"), phone: value("phone") },
    fields,
    documents: [...uploads.values()].map((upload) => upload.draft()).filter(Boolean),
    declaration: document.getElementById("declaration").checked,
  };
}

function keepDraft() {
  if (service && !receipt) saveDraft(draftOfForm());
}

/** Put a draft back into the form just drawn for its service, and say so with a way to start over. */
function restoreDraft(draft) {
  for (const [name, id] of Object.entries({ nik: "nik", name: "name", email: "email", phone: "phone" })) {
    const input = document.getElementById(id);
    if (!input.value && draft.applicant?.[name]) input.value = draft.applicant[name];
  }
  for (const [name, text] of Object.entries(draft.fields || {})) {
    const input = fieldsSection.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (input && !input.value) input.value = text;
  }
  for (const upload of draft.documents || []) uploads.get(upload.requirement_id)?.restore(upload);
  document.getElementById("declaration").checked = Boolean(draft.declaration);
  draftNotice = h(
    "div",
    { class: "notification-banner", role: "region", "aria-labelledby": "draft-title", id: "draft-notice" },
    h(
      "div",
      { class: "notification-banner__header" },
      h("h2", { class: "notification-banner__title", id: "draft-title" }, liveText(() => t("apply.draft_title"))),
    ),
    h(
      "div",
      { class: "notification-banner__content" },
      h("p", {}, liveText(() => t("apply.draft_text"))),
      h(
        "button",
        { type: "button", class: "button button--secondary", id: "start-over", on: { click: startOver } },
        liveText(() => t("apply.start_over")),
      ),
    ),
  );
  form.before(draftNotice);
  updateReadiness();
}

function startOver() {
  clearDraft();
  for (const upload of uploads.values()) upload.cancel();
  location.replace(service ? `apply.html?service=${encodeURIComponent(service.id)}` : "apply.html");
}

// ---------- Wiring ----------

form.addEventListener("submit", submit);
// The NIK's shape is checked as soon as it is typed, before any upload: not only after everything is sent.
document.getElementById("nik").addEventListener("change", checkNikNow);
form.addEventListener("input", () => {
  if (!service) return;
  updateReadiness();
  keepDraft();
});
select.addEventListener("change", () => chooseService(select.value));
document.getElementById("channel").addEventListener("change", () => {
  showChannel();
  updateReadiness();
});
onLangChange(() => {
  if (receipt) {
    renderConfirmation(false);
    return;
  }
  fillServiceOptions();
  if (service) showChannel();
  updateReadiness();
});

const shown = receiptInAddress();
if (shown) {
  // The confirmation's own address, opened again (Forward, reload): show it, never the form.
  const facts = loadReceiptFacts(shown.id);
  receipt = { ...shown, warnings: facts.warnings || [] };
  sentEmail = facts.email || "";
  service = facts.service || null;
  renderConfirmation(false);
} else {
  pendingDraft = loadDraft();
  const wanted = new URLSearchParams(location.search).get("service") || pendingDraft?.service_id;
  loadCatalogue().then(() => {
    if (wanted && !service && catalogue.some((s) => s.id === wanted)) select.value = wanted;
  });
  if (wanted) chooseService(wanted);
}
