// Consultation: a question for an officer, answered by e-mail. Same error pattern as every form:
// the browser checks first, the server's 422 has the last word, and nothing typed is lost.

import { ApiError, apiGet, apiPost, describeError } from "./api.js";
import { h } from "./dom.js";
import { FormErrors, busyButton, fill, looksLikeEmail, serverErrors, setTitle } from "./forms.js";
import { addMessages, applyTranslations, currentLang, intl, onLangChange, pick, t } from "./i18n.js";

addMessages({
  id: {
    "consult.title": "Konsultasi daring — Satu Pintu",
    "consult.heading": "Tanya petugas",
    "consult.lead":
      "Tanyakan persyaratan, biaya atau proses sebuah layanan. Petugas menjawab lewat e-mail pada jam kerja.",
    "consult.name_label": "Nama",
    "consult.email_label": "Alamat e-mail",
    "consult.email_hint": "Jawaban petugas dikirim ke alamat ini.",
    "consult.service_label": "Layanan (tidak wajib)",
    "consult.service_hint": "Pilih bila pertanyaan Anda tentang satu layanan tertentu.",
    "consult.service_none": "Tidak tentang layanan tertentu",
    "consult.question_label": "Pertanyaan Anda",
    "consult.question_hint":
      "Paling sedikit 10 dan paling banyak 2.000 karakter. Jangan tuliskan NIK atau data pribadi yang tidak perlu.",
    "consult.submit": "Kirim pertanyaan",
    "consult.submitting": "Mengirim…",
    "consult.error_name": "Masukkan nama Anda",
    "consult.error_name_length": "Nama harus 2 sampai 100 karakter",
    "consult.error_email": "Masukkan alamat e-mail Anda",
    "consult.error_email_format": "Masukkan alamat e-mail dengan format yang benar, misalnya nama@contoh.id",
    "consult.error_question": "Tulis pertanyaan Anda",
    "consult.error_question_short": "Pertanyaan paling sedikit 10 karakter",
    "consult.error_question_long": "Pertanyaan paling banyak 2.000 karakter",
    "consult.error_service": "Pilih layanan dari daftar, atau “Tidak tentang layanan tertentu”",
    "consult.error_retry": "Pertanyaan Anda tetap ada di halaman ini. Tekan “Kirim pertanyaan” lagi.",
    "consult.done_page_title": "Pertanyaan terkirim — Satu Pintu",
    "consult.done_title": "Pertanyaan terkirim",
    "consult.done_reference": "Nomor referensi",
    "consult.done_text":
      "Petugas akan menjawab ke {email} pada jam kerja. Sebutkan nomor referensi ini bila Anda menghubungi kami.",
    "consult.another": "Kirim pertanyaan lain",
    "consult.apply": "Cari layanan dan ajukan permohonan",
  },
  en: {
    "consult.title": "Online consultation — Satu Pintu",
    "consult.heading": "Ask an officer",
    "consult.lead":
      "Ask about a service's requirements, fee or process. An officer answers by e-mail during office hours.",
    "consult.name_label": "Name",
    "consult.email_label": "E-mail address",
    "consult.email_hint": "The officer's answer is sent to this address.",
    "consult.service_label": "Service (optional)",
    "consult.service_hint": "Choose one if your question is about a particular service.",
    "consult.service_none": "Not about a particular service",
    "consult.question_label": "Your question",
    "consult.question_hint": "10 to 2,000 characters. Do not write your NIK or any personal data that is not needed.",
    "consult.submit": "Send question",
    "consult.submitting": "Sending…",
    "consult.error_name": "Enter your name",
    "consult.error_name_length": "Name must be 2 to 100 characters",
    "consult.error_email": "Enter your e-mail address",
    "consult.error_email_format": "Enter an e-mail address in the correct format, like name@example.com",
    "consult.error_question": "Write your question",
    "consult.error_question_short": "The question must be at least 10 characters",
    "consult.error_question_long": "The question must be 2,000 characters or fewer",
    "consult.error_service": "Choose a service from the list, or “Not about a particular service”",
    "consult.error_retry": "Your question is still on this page. Press “Send question” again.",
    "consult.done_page_title": "Question sent — Satu Pintu",
    "consult.done_title": "Question sent",
    "consult.done_reference": "Reference number",
    "consult.done_text":
      "An officer will answer to {email} during office hours. Quote this reference if you contact us.",
    "consult.another": "Send another question",
    "consult.apply": "Find a service and apply",
  },
});
applyTranslations();

const column = document.getElementById("consult");
const form = document.getElementById("consult-form");
const select = document.getElementById("service");
const button = document.getElementById("consult-submit");
const errors = new FormErrors({ main: column });
const FIELDS = { name: "name", email: "email", service_id: "service", question: "question" };
const FALLBACK = {
  name: "consult.error_name_length",
  email: "consult.error_email_format",
  service_id: "consult.error_service",
  question: "consult.error_question_short",
};

let catalogue = [];
let receipt = null;
let sentEmail = "";
const wanted = new URLSearchParams(location.search).get("service") || "";
const value = (id) => document.getElementById(id).value.trim();

function fillServices() {
  const chosen = select.value || wanted;
  const { compare } = intl("Collator", currentLang());
  const sorted = [...catalogue].sort((a, b) => compare(pick(a, "name"), pick(b, "name")));
  fill(select,
    h("option", { value: "" }, t("consult.service_none")),
    sorted.map((s) => h("option", { value: s.id }, pick(s, "name"))),
  );
  select.value = catalogue.some((s) => s.id === chosen) ? chosen : "";
}

async function loadServices() {
  try {
    catalogue = (await apiGet("/services")).services || [];
    fillServices();
  } catch {
    // The question can still be sent without naming a service.
  }
}

function problems() {
  const found = [];
  const add = (id, key) => found.push({ id, text: () => t(key) });
  const name = value("name");
  if (!name) add("name", "consult.error_name");
  else if (name.length < 2 || name.length > 100) add("name", "consult.error_name_length");
  const email = value("email");
  if (!email) add("email", "consult.error_email");
  else if (!looksLikeEmail(email)) add("email", "consult.error_email_format");
  const question = value("question");
  if (!question) add("question", "consult.error_question");
  else if (question.length < 10) add("question", "consult.error_question_short");
  else if (question.length > 2000) add("question", "consult.error_question_long");
  return found;
}

// Where each field the API names sits on this page, and what to say if the API gave no words of its own.
function placeField(field) {
  return FIELDS[field] ? { id: FIELDS[field], text: () => t(FALLBACK[field] || "error.bad_request") } : null;
}

async function submit(event) {
  event.preventDefault();
  if (button.dataset.busy) return;
  const found = problems();
  if (found.length) {
    errors.show(found);
    return;
  }
  errors.clear();
  const done = busyButton(button, t("consult.submitting"));
  const body = { name: value("name"), email: value("email"), question: value("question"), locale: currentLang() };
  if (select.value) body.service_id = select.value;
  try {
    receipt = await apiPost("/consultations", body);
    sentEmail = body.email;
    renderConfirmation(true);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) errors.show(serverErrors(error, { fieldIds: placeField }));
    else errors.show([{ id: null, text: () => `${describeError(error)} ${t("consult.error_retry")}` }]);
  } finally {
    done();
  }
}

function renderConfirmation(focus) {
  fill(column,
    h(
      "div",
      { class: "panel panel--confirmation" },
      h("h1", { class: "panel__title", id: "confirmation-title", tabindex: "-1" }, t("consult.done_title")),
      h(
        "div",
        { class: "panel__body" },
        t("consult.done_reference"),
        h("br"),
        h("strong", { class: "reference", id: "consultation-reference" }, receipt.id),
      ),
    ),
    h("p", {}, t("consult.done_text", { email: sentEmail })),
    h("p", {}, h("a", { href: "consult.html" }, t("consult.another"))),
    h("p", {}, h("a", { href: "index.html" }, t("consult.apply"))),
  );
  setTitle(t("consult.done_page_title"));
  if (focus) document.getElementById("confirmation-title").focus();
}

form.addEventListener("submit", submit);
onLangChange(() => (receipt ? renderConfirmation(false) : fillServices()));
loadServices();
