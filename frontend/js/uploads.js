// One document's upload, shared by the apply and track pages: choose a file, check its type and size,
// ask the API for a presigned POST, send the file straight to storage with a progress bar, and say
// where it stands — uploading, uploaded ✓, or failed with a way to try again.

import { ApiError, apiPost, describeError } from "./api.js";
import { h } from "./dom.js";
import { fileSize, fileTypeNames, joinOr } from "./format.js";
import { liveText, serverText } from "./forms.js";
import { addMessages, currentLang, formatNumber, onLangChange, pick, t } from "./i18n.js";

addMessages({
  id: {
    "upload.required": "Wajib",
    "upload.conditional": "Bersyarat",
    "upload.conditional_hint": "Hanya jika berlaku bagi Anda.",
    "upload.hint": "{types}, {max}.",
    "upload.uploading": "Mengunggah “{name}”…",
    "upload.progress": "{percent}% — {loaded} dari {total}",
    "upload.progress_label": "Kemajuan unggahan “{label}”",
    "upload.done": "Terunggah: “{name}” ({size})",
    "upload.failed": "Gagal mengunggah “{name}”.",
    "upload.retry": "Coba lagi",
    "upload.retry_what": "mengunggah “{label}”",
    "upload.remove": "Hapus berkas",
    "upload.wrong_type": "Pilih berkas {types}.",
    "upload.too_large": "Berkas lebih besar dari {max}. Perkecil atau pindai ulang dengan resolusi lebih rendah.",
    "upload.empty": "Berkas ini kosong. Pilih berkas lain.",
    "upload.storage": "Penyimpanan menolak berkas (kode {status}). Coba lagi.",
    "upload.network": "Koneksi terputus saat mengunggah. Periksa internet Anda, lalu coba lagi.",
    "upload.rejected": "Berkas ini tidak dapat diterima. Pilih berkas lain.",
    "upload.blocker_missing": "Unggah “{label}”",
    "upload.blocker_uploading": "Tunggu sampai “{label}” selesai diunggah",
    "upload.blocker_failed": "Unggah ulang “{label}”",
  },
  en: {
    "upload.required": "Required",
    "upload.conditional": "Conditional",
    "upload.conditional_hint": "Only if it applies to you.",
    "upload.hint": "{types}, {max}.",
    "upload.uploading": "Uploading “{name}”…",
    "upload.progress": "{percent}% — {loaded} of {total}",
    "upload.progress_label": "Upload progress of “{label}”",
    "upload.done": "Uploaded: “{name}” ({size})",
    "upload.failed": "Could not upload “{name}”.",
    "upload.retry": "Try again",
    "upload.retry_what": "to upload “{label}”",
    "upload.remove": "Remove file",
    "upload.wrong_type": "Choose a {types} file.",
    "upload.too_large": "The file is larger than {max}. Make it smaller or scan it again at a lower resolution.",
    "upload.empty": "This file is empty. Choose another file.",
    "upload.storage": "Storage refused the file (code {status}). Try again.",
    "upload.network": "The connection dropped while uploading. Check your internet, then try again.",
    "upload.rejected": "This file cannot be accepted. Choose another file.",
    "upload.blocker_missing": "Upload “{label}”",
    "upload.blocker_uploading": "Wait until “{label}” has finished uploading",
    "upload.blocker_failed": "Upload “{label}” again",
  },
});

// Some systems give no type for a file; its extension then says what it claims to be.
const TYPE_BY_EXTENSION = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
const SEND_TIMEOUT_MS = 5 * 60 * 1000;

/** Return the MIME type of a chosen file, from the browser or else from its extension. */
export function fileType(file) {
  if (file.type) return file.type === "image/jpg" ? "image/jpeg" : file.type;
  return TYPE_BY_EXTENSION[file.name.split(".").pop().toLowerCase()] || "";
}

/** A failure while sending the file to storage: `kind` is "network", "timeout" or "storage" (with `status`). */
class SendError extends Error {
  constructor(kind, status = 0) {
    super(`${kind} ${status}`);
    this.kind = kind;
    this.status = status;
  }
}

/** POST the file to a presigned `ticket` as multipart/form-data (every field first, the file last). */
function sendFile(ticket, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.fields || {})) form.append(name, value);
    form.append("file", file);
    xhr.open("POST", ticket.url);
    xhr.timeout = SEND_TIMEOUT_MS;
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener("load", () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new SendError("storage", xhr.status)),
    );
    xhr.addEventListener("error", () => reject(new SendError("network")));
    xhr.addEventListener("timeout", () => reject(new SendError("timeout")));
    xhr.addEventListener("abort", () => reject(new SendError("aborted")));
    xhr.send(form);
  });
  return { xhr, done };
}

/**
 * Ask the API to check a file right after it lands; return the refusal's words if the file is not what it
 * claims (or is locked, or too large), else null. A check that cannot be made refuses nothing: the
 * submission checks every file again.
 */
async function checkLanded(uploadId) {
  try {
    await apiPost(`/uploads/${encodeURIComponent(uploadId)}/check`);
    return null;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 422) return null;
    const detail = (Array.isArray(error.details) && error.details[0]) || {
      message: error.message,
      message_en: error.messageEn,
    };
    return () => serverText(detail, currentLang()) || t("upload.rejected");
  }
}

function uploadFailure(error) {
  if (error instanceof SendError) {
    if (error.kind === "storage") return () => t("upload.storage", { status: error.status });
    return () => t(error.kind === "timeout" ? "error.timeout" : "upload.network");
  }
  return () => describeError(error);
}

/**
 * The upload of one requirement's document: `el` is its form group (label, hint, file input
 * `#file-<requirement id>`, status). `state` is "empty", "uploading", "uploaded" or "failed";
 * `uploadId` is set once uploaded. `onChange(upload)` runs on every change of state.
 */
export class DocumentUpload {
  constructor({ serviceId, requirement, required = requirement.required, onChange = () => {} }) {
    this.serviceId = serviceId;
    this.requirement = requirement;
    this.required = required;
    this.onChange = onChange;
    this.id = `file-${requirement.id}`;
    this.state = "empty";
    this.uploadId = null;
    this.file = null;
    this.problem = null;
    this.retryable = false;
    this.attempt = 0;
    this.sending = null;
    this.build();
    onLangChange(() => {
      if (this.el.isConnected) this.refresh();
    });
  }

  get label() {
    return pick(this.requirement, "label");
  }

  build() {
    const r = this.requirement;
    this.input = h("input", {
      class: "file-upload",
      type: "file",
      id: this.id,
      name: this.id,
      accept: r.accepted_types.join(","),
      "aria-describedby": `${this.id}-hint ${this.id}-status`,
      on: { change: () => this.choose() },
    });
    // The live message says each change of state once; the progress numbers stay quiet.
    this.message = h("p", { class: "upload__message", id: `${this.id}-status`, role: "status" });
    this.bar = h("progress", { class: "progress__bar", max: "100", value: "0" });
    this.barText = h("span", { class: "progress__text" });
    this.progress = h("div", { class: "progress", hidden: true }, this.bar, this.barText);
    this.actions = h("div", { class: "upload__actions" });
    this.el = h(
      "div",
      { class: "form-group upload", id: `doc-${r.id}`, dataset: { requirement: r.id, state: "empty" } },
      h(
        "label",
        { class: "label label--s", for: this.id },
        liveText(() => this.label),
        " ",
        h(
          "strong",
          { class: `tag ${this.required ? "tag--required" : "tag--conditional"}` },
          liveText(() => t(this.required ? "upload.required" : "upload.conditional")),
        ),
      ),
      h("div", { class: "hint", id: `${this.id}-hint` }, liveText(() => this.hint())),
      this.input,
      this.message,
      this.progress,
      this.actions,
    );
  }

  hint() {
    const r = this.requirement;
    const limits = t("upload.hint", {
      types: joinOr(fileTypeNames(r.accepted_types)),
      max: t("common.max_size", { size: fileSize(r.max_size_bytes) }),
    });
    return [this.required ? null : t("upload.conditional_hint"), pick(r, "note"), limits].filter(Boolean).join(" ");
  }

  /** Redraw the state's words (after a language switch). */
  refresh() {
    const name = this.file?.name || "";
    this.el.dataset.state = this.state;
    this.progress.hidden = this.state !== "uploading";
    this.bar.setAttribute("aria-label", t("upload.progress_label", { label: this.label }));
    this.message.className = `upload__message upload__message--${this.state}`;
    if (this.state === "uploading") {
      this.message.textContent = t("upload.uploading", { name });
      this.drawProgress();
    } else if (this.state === "uploaded") {
      this.message.replaceChildren(
        h("span", { class: "upload__tick", "aria-hidden": "true" }, "✓ "),
        t("upload.done", { name, size: fileSize(this.file.size) }),
      );
    } else if (this.state === "failed") {
      this.message.textContent = `${name ? `${t("upload.failed", { name })} ` : ""}${this.problem()}`;
    } else {
      this.message.textContent = "";
    }
    const buttons = [];
    if (this.state === "failed" && this.retryable) {
      buttons.push(
        h(
          "button",
          { type: "button", class: "button button--secondary upload__retry", on: { click: () => this.upload() } },
          t("upload.retry"),
          h("span", { class: "visually-hidden" }, ` ${t("upload.retry_what", { label: this.label })}`),
        ),
      );
    }
    if (this.state === "uploaded" || this.state === "failed") {
      buttons.push(
        h(
          "button",
          { type: "button", class: "link-button upload__remove", on: { click: () => this.remove() } },
          t("upload.remove"),
          h("span", { class: "visually-hidden" }, ` “${this.label}”`),
        ),
      );
    }
    this.actions.replaceChildren(...buttons);
  }

  drawProgress() {
    const total = this.total || this.file?.size || 0;
    const percent = total ? Math.min(100, Math.floor((this.loaded / total) * 100)) : 0;
    this.bar.value = percent;
    this.barText.textContent = t("upload.progress", {
      percent: formatNumber(percent),
      loaded: fileSize(this.loaded || 0),
      total: fileSize(total),
    });
  }

  set(state) {
    this.state = state;
    this.refresh();
    this.onChange(this);
  }

  fail(problem, retryable) {
    this.uploadId = null;
    this.problem = problem;
    this.retryable = retryable && Boolean(this.file);
    this.set("failed");
  }

  /** Mark the upload refused (by the server at submission): it must be uploaded again. */
  reject(problem) {
    this.attempt += 1;
    this.fail(problem, true);
  }

  choose() {
    const file = this.input.files[0];
    // Cancelling the file dialog empties the input: keep what was uploaded before.
    if (!file) return;
    this.file = file;
    const r = this.requirement;
    if (!r.accepted_types.includes(fileType(file))) {
      this.attempt += 1;
      this.sending?.xhr.abort();
      this.fail(() => t("upload.wrong_type", { types: joinOr(fileTypeNames(r.accepted_types)) }), false);
    } else if (file.size === 0) {
      this.attempt += 1;
      this.fail(() => t("upload.empty"), false);
    } else if (file.size > r.max_size_bytes) {
      this.attempt += 1;
      this.fail(() => t("upload.too_large", { max: fileSize(r.max_size_bytes) }), false);
    } else {
      this.upload();
    }
  }

  /** Show an upload made before a reload as uploaded: `{upload_id, filename, size}` (the file itself is gone). */
  restore({ upload_id: uploadId, filename, size }) {
    this.file = { name: filename || "", size: size || 0, restored: true };
    this.uploadId = uploadId;
    this.loaded = this.total = size || 0;
    this.set("uploaded");
  }

  /** Return what a draft keeps of this upload, or null when it is not uploaded. */
  draft() {
    if (this.state !== "uploaded" || !this.uploadId) return null;
    const { name: filename, size } = this.file || {};
    return { requirement_id: this.requirement.id, upload_id: this.uploadId, filename, size };
  }

  async upload() {
    const file = this.file;
    if (!file || file.restored) return;
    this.attempt += 1;
    const attempt = this.attempt;
    this.sending?.xhr.abort();
    this.uploadId = null;
    this.loaded = 0;
    this.total = file.size;
    this.set("uploading");
    try {
      const ticket = await apiPost("/uploads", {
        service_id: this.serviceId,
        requirement_id: this.requirement.id,
        filename: file.name.slice(-255),
        content_type: fileType(file),
        size: file.size,
      });
      if (attempt !== this.attempt) return;
      this.sending = sendFile(ticket, file, (loaded, total) => {
        if (attempt !== this.attempt) return;
        this.loaded = loaded;
        this.total = total;
        this.drawProgress();
      });
      await this.sending.done;
      if (attempt !== this.attempt) return;
      this.sending = null;
      const refused = await checkLanded(ticket.upload_id);
      if (attempt !== this.attempt) return;
      if (refused) {
        this.fail(refused, false);
        return;
      }
      this.uploadId = ticket.upload_id;
      this.loaded = this.total;
      this.set("uploaded");
    } catch (error) {
      if (attempt !== this.attempt) return; // a newer choice replaced this one
      this.sending = null;
      if (error instanceof ApiError && error.status === 422) this.fail(this.refusal(error), false);
      else this.fail(uploadFailure(error), true);
    }
  }

  // The API refused the upload before it started: say why in the citizen's language.
  refusal(error) {
    const r = this.requirement;
    if (error.code === "upload_type_not_accepted") {
      return () => t("upload.wrong_type", { types: joinOr(fileTypeNames(r.accepted_types)) });
    }
    if (error.code === "upload_too_large") return () => t("upload.too_large", { max: fileSize(r.max_size_bytes) });
    return () => t("upload.rejected");
  }

  /** Stop whatever this upload is doing (the page is replacing it). */
  cancel() {
    this.attempt += 1;
    this.sending?.xhr.abort();
    this.sending = null;
  }

  remove() {
    this.attempt += 1;
    this.sending?.xhr.abort();
    this.sending = null;
    this.file = null;
    this.uploadId = null;
    this.input.value = "";
    this.set("empty");
    this.input.focus();
  }

  /** Say what stops this document from being sent ("missing", "uploading", "failed"), or null when nothing does. */
  blocker() {
    if (this.state === "uploaded") return null;
    if (this.state === "uploading") return "uploading";
    if (this.state === "failed") return "failed";
    return this.required ? "missing" : null;
  }

  /** Return what stops this document as an error-summary entry `{id, text}`, or null. */
  blockerError() {
    const blocker = this.blocker();
    return blocker ? { id: this.id, text: () => t(`upload.blocker_${blocker}`, { label: this.label }) } : null;
  }
}
