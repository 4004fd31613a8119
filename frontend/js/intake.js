// The officers' intake of paper applications (drop box, courier). The officer scans the cover sheet's QR code
// (with the camera where the browser has BarcodeDetector) or types its reference, and the form fills in from the
// draft the citizen saved; without a cover sheet the officer keys in everything. Each scanned document goes up
// through the same checked upload as a citizen's, the courier's receipt too, and the application is sent as
// SUBMITTED with its channel (`POST /api/officer/applications`); the server's one 422 is mapped onto the fields.

import { ApiError, apiFetch, describeError } from "./api.js";
import { h } from "./dom.js";
import { FormErrors, busyButton, liveText, newIdempotencyKey, serverErrors } from "./forms.js";
import { addMessages, applyTranslations, pick, t } from "./i18n.js";
import { DocumentUpload } from "./uploads.js";

addMessages({
  id: {
    "intake.heading": "Catat berkas kertas",
    "intake.cover_ref": "Nomor lembar sampul",
    "intake.cover_ref_hint":
      "Pindai kode QR-nya atau ketik nomornya, mis. DR-7K3M9-Q2HXA. Tanpa lembar sampul, isi seluruh permohonan di bawah.",
    "intake.find": "Isi dari lembar sampul",
    "intake.scan": "Pindai kode QR",
    "intake.scan_stop": "Berhenti memindai",
    "intake.camera_hint": "Arahkan kamera ke kode QR di lembar sampul.",
    "intake.camera_failed": "Kamera tidak dapat dipakai. Ketik nomor lembar sampul.",
    "intake.filled": "Diisi dari lembar sampul {reference}. Periksa dengan berkas di amplop.",
    "intake.not_found": "Lembar sampul ini tidak ditemukan atau sudah kedaluwarsa. Periksa nomornya, atau isi permohonan tanpa lembar sampul.",
    "intake.used": "Lembar sampul ini sudah dicatat sebagai {id}.",
    "intake.ref_empty": "Ketik nomor lembar sampul.",
    "intake.channel": "Diterima lewat",
    "intake.dropbox": "Kotak surat",
    "intake.courier": "Kurir",
    "intake.service": "Layanan",
    "intake.service_choose": "Pilih layanan",
    "intake.nik": "NIK",
    "intake.name": "Nama lengkap",
    "intake.email": "Alamat e-mail pemohon",
    "intake.phone": "Nomor telepon",
    "intake.fields": "Isian layanan",
    "intake.documents": "Dokumen yang dipindai",
    "intake.receipt": "Tanda terima kurir",
    "intake.declaration":
      "Pemohon menandatangani pernyataan bahwa data dan dokumen benar (di lembar sampul atau surat permohonan).",
    "intake.submit": "Catat permohonan",
    "intake.sending": "Mencatat…",
    "intake.service_missing": "Pilih layanan.",
    "intake.recorded": "Tercatat sebagai {id}, status Diajukan. Pemohon menerima tautan pelacakan lewat e-mail.",
    "intake.open": "Buka {id}",
    "intake.another": "Catat berkas berikutnya",
  },
  en: {
    "intake.heading": "Key in a paper file",
    "intake.cover_ref": "Cover sheet reference",
    "intake.cover_ref_hint":
      "Scan its QR code or type the reference, e.g. DR-7K3M9-Q2HXA. Without a cover sheet, key in the whole application below.",
    "intake.find": "Fill in from the cover sheet",
    "intake.scan": "Scan the QR code",
    "intake.scan_stop": "Stop scanning",
    "intake.camera_hint": "Point the camera at the QR code on the cover sheet.",
    "intake.camera_failed": "The camera cannot be used. Type the cover sheet's reference.",
    "intake.filled": "Filled in from cover sheet {reference}. Check it against the papers in the envelope.",
    "intake.not_found": "No cover sheet has this reference, or it has expired. Check the reference, or key the application in without it.",
    "intake.used": "This cover sheet was already keyed in as {id}.",
    "intake.ref_empty": "Type the cover sheet's reference.",
    "intake.channel": "Received by",
    "intake.dropbox": "Drop box",
    "intake.courier": "Courier",
    "intake.service": "Service",
    "intake.service_choose": "Choose a service",
    "intake.nik": "NIK",
    "intake.name": "Full name",
    "intake.email": "Applicant's e-mail address",
    "intake.phone": "Phone number",
    "intake.fields": "The service's fields",
    "intake.documents": "Scanned documents",
    "intake.receipt": "Courier's receipt",
    "intake.declaration":
      "The applicant signed the declaration that the data and documents are true (on the cover sheet or the letter).",
    "intake.submit": "Record the application",
    "intake.sending": "Recording…",
    "intake.service_missing": "Choose a service.",
    "intake.recorded": "Recorded as {id}, status Submitted. The applicant gets the tracking link by e-mail.",
    "intake.open": "Open {id}",
    "intake.another": "Key in the next file",
  },
});
applyTranslations();

// The courier's receipt, as functions/shared/catalogue.py DELIVERY_RECEIPT defines it (the server checks it; this
// copy only lets the page say early that a file is of the wrong type or too large).
const RECEIPT = {
  id: "delivery_receipt",
  label_id: "Foto tanda terima kurir",
  label_en: "Photo of the courier's receipt",
  required: false,
  accepted_types: ["image/jpeg", "image/png", "application/pdf"],
  max_size_bytes: 5 * 1024 * 1024,
};
const APPLICANT = { nik: "intake-nik", name: "intake-name", email: "intake-email", phone: "intake-phone" };

const view = document.getElementById("intake-view");
const coverForm = document.getElementById("cover-form");
const coverStatus = document.getElementById("cover-status");
const form = document.getElementById("intake-form");
const serviceSelect = document.getElementById("intake-service");
const fieldsEl = document.getElementById("intake-fields");
const documentsEl = document.getElementById("intake-documents");
const result = document.getElementById("intake-result");
const errors = new FormErrors({ main: view });

let api = null;
let service = null;
let uploads = new Map();
let receipt = null;
let coverSheetRef = null;
let draftLocale = "id";
let idempotencyKey = newIdempotencyKey();
let sending = false;
let stream = null;

const fieldId = (field) => `intake-field-${field.id}`;

/** Draw the intake view; `officerApi` calls the API with the officer's token, `services` is the catalogue. */
export function openIntake(officerApi, services) {
  api = officerApi;
  const chosen = serviceSelect.value;
  serviceSelect.replaceChildren(
    h("option", { value: "" }, t("intake.service_choose")),
    ...services.map((s) => h("option", { value: s.id, selected: s.id === chosen }, pick(s, "name"))),
  );
  document.getElementById("cover-scan").hidden = !("BarcodeDetector" in window && navigator.mediaDevices?.getUserMedia);
}

async function chooseService(id, values = {}) {
  for (const upload of uploads.values()) upload.cancel();
  receipt?.cancel();
  uploads = new Map();
  receipt = null;
  service = id ? await apiFetch(`/services/${encodeURIComponent(id)}`) : null;
  if (!service) {
    fieldsEl.replaceChildren();
    documentsEl.replaceChildren();
    return;
  }
  const fields = service.form_fields || [];
  fieldsEl.replaceChildren(
    fields.length ? h("h3", { class: "heading-m" }, liveText(() => t("intake.fields"))) : "",
    ...fields.map((field) =>
      h(
        "div",
        { class: "form-group" },
        h("label", { class: "label label--s", for: fieldId(field) }, liveText(() => pick(field, "label"))),
        h("input", {
          class: "input",
          id: fieldId(field),
          name: field.id,
          type: field.type === "date" ? "date" : "text",
          inputmode: field.type === "integer" || field.type === "decimal" ? "decimal" : null,
          value: values[field.id] ?? "",
          dataset: { field: field.id },
        }),
      ),
    ),
  );
  for (const requirement of service.requirements || []) {
    uploads.set(requirement.id, new DocumentUpload({ serviceId: service.id, requirement }));
  }
  receipt = new DocumentUpload({ serviceId: service.id, requirement: RECEIPT, required: false });
  documentsEl.replaceChildren(
    h("h3", { class: "heading-m" }, liveText(() => t("intake.documents"))),
    ...[...uploads.values()].map((upload) => upload.el),
    h("h3", { class: "heading-m" }, liveText(() => t("intake.receipt"))),
    receipt.el,
  );
}

function say(key, vars = {}, problem = false) {
  coverStatus.replaceChildren(h("p", { class: problem ? "error-message" : "inset-text" }, t(key, vars)));
}

async function findCoverSheet(reference) {
  const typed = reference.trim();
  if (!typed) {
    say("intake.ref_empty", {}, true);
    return;
  }
  try {
    const draft = await api(`/officer/drafts/${encodeURIComponent(typed)}`);
    if (draft.used_by) {
      say("intake.used", { id: draft.used_by }, true);
      return;
    }
    coverSheetRef = draft.reference;
    draftLocale = draft.locale || "id";
    document.getElementById("cover-ref").value = draft.reference;
    document.getElementById(`intake-channel-${draft.channel}`).checked = true;
    serviceSelect.value = draft.service_id;
    for (const [name, id] of Object.entries(APPLICANT)) document.getElementById(id).value = draft.applicant?.[name] || "";
    await chooseService(draft.service_id, draft.fields || {});
    say("intake.filled", { reference: draft.reference });
  } catch (error) {
    coverSheetRef = null;
    if (error instanceof ApiError && error.status === 404) say("intake.not_found", {}, true);
    else coverStatus.replaceChildren(h("p", { class: "error-message" }, describeError(error)));
  }
}

function stopScanning() {
  for (const track of stream?.getTracks() || []) track.stop();
  stream = null;
  document.getElementById("cover-camera").hidden = true;
}

async function scan() {
  const video = document.getElementById("cover-video");
  try {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    document.getElementById("cover-camera").hidden = false;
    await video.play();
    while (stream) {
      const [code] = await detector.detect(video);
      if (code?.rawValue) {
        stopScanning();
        document.getElementById("cover-ref").value = code.rawValue;
        await findCoverSheet(code.rawValue);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch {
    stopScanning();
    say("intake.camera_failed", {}, true);
  }
}

function body() {
  const fields = {};
  for (const el of fieldsEl.querySelectorAll("[data-field]")) if (el.value.trim()) fields[el.dataset.field] = el.value.trim();
  const applicant = {};
  for (const [name, id] of Object.entries(APPLICANT)) applicant[name] = document.getElementById(id).value.trim();
  applicant.nik = applicant.nik.replace(/[\s.-]/g, "");
  const documents = [...uploads.values()]
    .filter((upload) => upload.state === "uploaded")
    .map((upload) => ({ requirement_id: upload.requirement.id, upload_id: upload.uploadId }));
  const sent = {
    service_id: service.id,
    applicant,
    fields,
    documents,
    locale: draftLocale,
    declaration: document.getElementById("intake-declaration").checked,
    channel: form.querySelector('input[name="channel"]:checked').value,
  };
  if (coverSheetRef) sent.cover_sheet_ref = coverSheetRef;
  if (receipt?.state === "uploaded") sent.receipt_upload_id = receipt.uploadId;
  return sent;
}

// Where each field the API names is on this page.
function placeOf(field, detail) {
  if (field.startsWith("applicant.")) return APPLICANT[field.slice("applicant.".length)] || null;
  if (field.startsWith("fields.")) return `intake-field-${field.slice("fields.".length)}`;
  if (field === "receipt_upload_id") return `file-${RECEIPT.id}`;
  if (field === "cover_sheet_ref") return "cover-ref";
  if (field === "declaration") return "intake-declaration";
  if (field === "channel") return "intake-channel-dropbox";
  if (field === "service_id") return "intake-service";
  if (detail.requirement_id) return `file-${detail.requirement_id}`;
  return null;
}

function recorded(receiptBody) {
  const open = h("a", { href: `#application=${encodeURIComponent(receiptBody.id)}` }, t("intake.open", { id: receiptBody.id }));
  result.replaceChildren(
    h(
      "div",
      { class: "notification-banner notification-banner--success", role: "status", id: "intake-recorded" },
      h("div", { class: "notification-banner__header" }, t("officer.done")),
      h(
        "div",
        { class: "notification-banner__content" },
        h("p", {}, t("intake.recorded", { id: receiptBody.id })),
        h("p", {}, open),
      ),
    ),
  );
  form.reset();
  coverForm.reset();
  coverStatus.replaceChildren();
  coverSheetRef = null;
  draftLocale = "id";
  chooseService("");
  idempotencyKey = newIdempotencyKey();
  open.focus();
}

async function submit(event) {
  event.preventDefault();
  if (sending) return;
  errors.clear();
  if (!service) {
    errors.show([{ id: "intake-service", text: () => t("intake.service_missing") }]);
    return;
  }
  sending = true;
  const done = busyButton(document.getElementById("intake-submit"), t("intake.sending"));
  try {
    const answer = await api("/officer/applications", {
      method: "POST",
      body: body(),
      headers: { "Idempotency-Key": idempotencyKey },
      timeout: 60000,
    });
    recorded(answer);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      errors.show(serverErrors(error, { fieldIds: placeOf }));
      idempotencyKey = newIdempotencyKey();
    } else {
      errors.show([{ id: null, text: () => describeError(error) }]);
    }
  } finally {
    sending = false;
    done();
  }
}

coverForm.addEventListener("submit", (event) => {
  event.preventDefault();
  findCoverSheet(document.getElementById("cover-ref").value);
});
document.getElementById("cover-scan").addEventListener("click", scan);
document.getElementById("cover-scan-stop").addEventListener("click", stopScanning);
serviceSelect.addEventListener("change", () => chooseService(serviceSelect.value));
form.addEventListener("submit", submit);
