// A consultation's own page, opened from the link in its e-mails (`#id=…&token=…`): the question and, once an
// officer has answered, the answer. The token is read from the fragment (never sent in a URL) and then wiped
// from the address bar, as on the tracking page.

import { apiFetch } from "./api.js";
import { h, showError, showLoading, doneLoading } from "./dom.js";
import { addMessages, applyTranslations, onLangChange, t } from "./i18n.js";
import { formatDateTime } from "./status.js";

addMessages({
  id: {
    "answer.title": "Pertanyaan Anda — Satu Pintu",
    "answer.heading": "Pertanyaan Anda",
    "answer.number": "Nomor konsultasi",
    "answer.asked": "Dikirim",
    "answer.question": "Pertanyaan",
    "answer.answer": "Jawaban petugas",
    "answer.answered_at": "Dijawab {date}",
    "answer.waiting": "Petugas belum menjawab. Jawaban juga dikirim ke e-mail Anda.",
    "answer.no_link": "Buka halaman ini dari tautan di e-mail konsultasi Anda.",
    "answer.ask": "Ajukan pertanyaan lain",
  },
  en: {
    "answer.title": "Your question — Satu Pintu",
    "answer.heading": "Your question",
    "answer.number": "Consultation number",
    "answer.asked": "Sent",
    "answer.question": "Question",
    "answer.answer": "The officer's answer",
    "answer.answered_at": "Answered {date}",
    "answer.waiting": "No officer has answered yet. The answer is also sent to your e-mail.",
    "answer.no_link": "Open this page from the link in your consultation e-mail.",
    "answer.ask": "Ask another question",
  },
});
applyTranslations();

const container = document.getElementById("answer");
const params = new URLSearchParams(location.hash.slice(1));
const id = params.get("id");
const token = params.get("token");
if (token) history.replaceState(null, "", `${location.pathname}${location.search}#id=${encodeURIComponent(id || "")}`);
let consultation = null;

function draw() {
  if (!consultation) return;
  const c = consultation;
  container.replaceChildren(
    h(
      "dl",
      { class: "summary-list" },
      h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, t("answer.number")), h("dd", { class: "summary-list__value reference" }, c.id)),
      h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, t("answer.asked")), h("dd", { class: "summary-list__value" }, formatDateTime(c.created_at))),
    ),
    h("h2", { class: "heading-m" }, t("answer.question")),
    h("blockquote", { class: "inset-text" }, c.question),
    h("h2", { class: "heading-m" }, t("answer.answer")),
    ...(c.answer
      ? [
          h("p", { class: "hint" }, t("answer.answered_at", { date: formatDateTime(c.answered_at) })),
          h("div", { class: "answer__text" }, ...c.answer.split("\n").map((line) => h("p", {}, line))),
        ]
      : [h("p", { class: "inset-text" }, t("answer.waiting"))]),
    h("p", {}, h("a", { href: "consult.html" }, t("answer.ask"))),
  );
}

async function load() {
  if (!id || !token) {
    container.replaceChildren(h("p", { class: "inset-text" }, t("answer.no_link")));
    return;
  }
  showLoading(container);
  try {
    consultation = await apiFetch(`/consultations/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${token}` } });
    doneLoading(container);
    draw();
  } catch (error) {
    showError(container, error, { retry: load });
  }
}

onLangChange(draw);
load();
