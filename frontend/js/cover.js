// A paper application's cover sheet, to print and put in the envelope: the reference in large type and as a QR
// code (the officer who opens the envelope scans it to find the form the citizen filled in), what goes in the
// envelope, what to write on it, and where it goes. Printed, it is read by whoever handles it, so every line is
// in Indonesian with English beside it, whichever language the page is shown in.

import { apiGet } from "./api.js";
import { h } from "./dom.js";
import { loadCoverSheet } from "./drafts.js";
import { addMessages, applyTranslations, onLangChange, t } from "./i18n.js";
import { formatDate } from "./status.js";

addMessages({
  id: {
    "cover.title": "Lembar sampul — Satu Pintu",
    "cover.print": "Cetak lembar sampul",
    "cover.missing": "Lembar sampul ini disimpan di perangkat tempat Anda mengisi formulir. Buka lagi dari sana, atau isi formulir lagi.",
    "cover.apply": "Isi formulir permohonan",
  },
  en: {
    "cover.title": "Cover sheet — Satu Pintu",
    "cover.print": "Print the cover sheet",
    "cover.missing": "This cover sheet is kept on the device where you filled in the form. Open it there again, or fill in the form again.",
    "cover.apply": "Fill in the application form",
  },
});
applyTranslations();

const container = document.getElementById("cover");
const reference = new URLSearchParams(location.hash.slice(1)).get("ref") || "";
const cover = reference ? loadCoverSheet(reference) : null;
let service = null;
let mall = null;

/** Indonesian first, English beside it, each marked with its language (the page's own may be either). */
function both(textId, textEn, tag = "span") {
  return [h(tag, { lang: "id" }, textId), " ", h(tag, { lang: "en", class: "cover__en" }, textEn)];
}

function row(keyId, keyEn, ...value) {
  return h(
    "div",
    { class: "summary-list__row" },
    h("dt", { class: "summary-list__key" }, both(keyId, keyEn)),
    h("dd", { class: "summary-list__value" }, ...value),
  );
}

function envelopeContents() {
  const requirements = service?.requirements || [];
  return h(
    "ol",
    { class: "list list--number cover__contents" },
    h("li", {}, both("Lembar sampul ini, di atas", "This cover sheet, on top")),
    requirements.map((r) =>
      h(
        "li",
        {},
        both(r.label_id, r.label_en),
        r.required ? null : [" ", both("(jika berlaku)", "(if it applies)")],
      ),
    ),
  );
}

function destination() {
  const where = mall ? [h("strong", {}, mall.name), h("br"), mall.address] : null;
  if (cover.channel === "courier") {
    return [
      h("p", {}, both("Kirim amplop lewat kurir ke:", "Send the envelope by courier to:")),
      where ? h("address", { class: "cover__address" }, where) : null,
      h(
        "p",
        {},
        both(
          "Petugas memotret tanda terima kurir saat amplop diterima; simpan salinan Anda.",
          "The officer photographs the courier's receipt when the envelope arrives; keep your copy.",
        ),
      ),
    ];
  }
  return [
    h(
      "p",
      {},
      both(
        "Masukkan amplop ke kotak surat di kantor layanan mana pun: kantor kelurahan, kecamatan, kota, atau mal pelayanan publik:",
        "Put the envelope in the drop box at any service office: a kelurahan, kecamatan or city office, or the public service mall:",
      ),
    ),
    where ? h("address", { class: "cover__address" }, where) : null,
  ];
}

function draw() {
  if (!cover) {
    container.replaceChildren(
      ...[
        h("p", {}, t("cover.missing")),
        reference ? h("p", { class: "reference reference--large" }, reference) : null,
        h("p", {}, h("a", { href: "apply.html" }, t("cover.apply"))),
      ].filter(Boolean),
    );
    return;
  }
  const qr = h("img", {
    class: "cover__qr",
    src: `data:image/svg+xml;base64,${btoa(cover.qr_svg)}`,
    alt: `QR ${cover.reference}`,
    width: "200",
    height: "200",
  });
  const channel =
    cover.channel === "courier" ? both("Kurir", "Courier") : both("Kotak surat", "Drop box");
  container.replaceChildren(
    h(
      "div",
      { class: "cover__top" },
      qr,
      h(
        "div",
        {},
        h("p", { class: "cover__label" }, both("Nomor lembar sampul", "Cover sheet reference")),
        h("p", { class: "reference cover__reference", id: "cover-reference" }, cover.reference),
      ),
    ),
    h(
      "dl",
      { class: "summary-list" },
      row("Layanan", "Service", service ? both(service.name_id, service.name_en) : cover.service_id),
      row("Dikirim lewat", "Sent by", channel),
      row("Berlaku sampai", "Valid until", formatDate(cover.expires_at.slice(0, 10))),
    ),
    h("h2", { class: "heading-m" }, both("Tulis di amplop", "Write on the envelope")),
    h("p", {}, both("Nama pemohon, layanan, dan nomor telepon.", "The applicant's name, the service and a phone number.")),
    h("h2", { class: "heading-m" }, both("Isi amplop", "In the envelope")),
    envelopeContents(),
    h("h2", { class: "heading-m" }, both("Ke mana", "Where it goes")),
    ...destination().filter(Boolean),
    h("h2", { class: "heading-m" }, both("Pernyataan", "Declaration")),
    h(
      "p",
      {},
      both(
        "Saya menyatakan bahwa data dan dokumen yang saya kirim benar dan sesuai aslinya.",
        "I declare that the data and documents I send are true and match the originals.",
      ),
    ),
    h(
      "p",
      { class: "cover__sign" },
      both("Tanda tangan", "Signature"),
      ": ____________________  ",
      both("Tanggal", "Date"),
      ": ____________",
    ),
    h(
      "button",
      { type: "button", class: "button", id: "print-cover", on: { click: () => window.print() } },
      t("cover.print"),
    ),
  );
}

onLangChange(draw);
draw();
if (cover) {
  // Each fills in its part when it comes; without them the sheet still has its reference and QR code.
  apiGet(`/services/${encodeURIComponent(cover.service_id)}`)
    .then((found) => {
      service = found;
      draw();
    })
    .catch(() => {});
  apiGet("/sites", { kind: "mall" })
    .then((found) => {
      mall = found.sites?.[0] || null;
      draw();
    })
    .catch(() => {});
}
