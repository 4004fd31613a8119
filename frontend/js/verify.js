// The verify page: checks a permit's QR code in this browser. The signature (ES256 JWS) is checked with
// WebCrypto against the published key (JWKS); then the API says whether the permit was revoked. Offline,
// a service worker (verify-sw.js) serves the page, the key and the last signed status list, and the
// permit's bit is looked up in that list here, so nobody learns which permit was checked.
// The QR's fragment is the JWS written as digits, two per character (`ord(c) - 45`), as SMART Health
// Cards do; a link with the JWS itself works too.

import { ApiError, apiGet, apiUrl } from "./api.js";
import { h } from "./dom.js";
import { addMessages, applyTranslations, onLangChange, pick, t } from "./i18n.js";
import { formatDate, formatDateTime, jakartaDate } from "./status.js";

addMessages({
  id: {
    "verify.title": "Periksa keaslian dokumen — Satu Pintu",
    "verify.heading": "Periksa keaslian dokumen",
    "verify.lead":
      "Pindai kode QR pada dokumen izin dengan kamera ponsel, atau tempelkan tautannya di sini. Tanda tangan digitalnya diperiksa di perangkat Anda.",
    "verify.link_label": "Tautan dari kode QR",
    "verify.link_hint": "Dimulai dengan alamat halaman ini, diikuti tanda # dan deretan angka.",
    "verify.submit": "Periksa",
    "verify.other_ways": "Cara lain",
    "verify.photo_label": "Foto kode QR",
    "verify.photo_hint": "Pilih foto yang memperlihatkan seluruh kode QR dengan jelas.",
    "verify.camera_start": "Pindai dengan kamera",
    "verify.camera_stop": "Hentikan kamera",
    "verify.offline_note":
      "Halaman ini juga bekerja tanpa koneksi internet setelah dibuka sekali: pemeriksaan memakai daftar pencabutan terakhir yang tersimpan, dan tidak ada yang tahu dokumen mana yang Anda periksa.",
    "verify.checking": "Memeriksa tanda tangan digital…",
    "verify.empty": "Tempelkan tautan dari kode QR terlebih dahulu.",
    "verify.unreadable":
      "Tautan ini tidak memuat kode dokumen yang dapat dibaca. Pastikan seluruh tautan tersalin, atau pindai ulang kode QR.",
    "verify.no_detector":
      "Peramban ini tidak dapat membaca kode QR dari foto atau kamera. Pindai kode QR dengan aplikasi kamera ponsel, atau tempelkan tautannya di atas.",
    "verify.no_qr_in_photo": "Tidak ada kode QR yang terbaca pada foto ini. Coba foto yang lebih dekat dan tajam.",
    "verify.camera_failed": "Kamera tidak dapat dibuka. Izinkan akses kamera, atau pilih foto kode QR.",
    "verify.no_key":
      "Kunci publik untuk memeriksa tanda tangan belum tersimpan di perangkat ini. Sambungkan ke internet dan coba lagi.",
    "verify.valid_title": "Asli dan berlaku",
    "verify.valid_body": "Dokumen ini diterbitkan oleh kami, isinya tidak diubah, dan belum dicabut.",
    "verify.valid_offline_title": "Asli, tidak dicabut per {time}",
    "verify.valid_offline_body":
      "Anda sedang tidak terhubung ke internet. Tanda tangan digital asli; menurut daftar pencabutan yang tersimpan ({time}) dokumen ini belum dicabut.",
    "verify.unknown_offline_title": "Asli, status pencabutan belum dapat diperiksa",
    "verify.unknown_offline_body":
      "Tanda tangan digital asli, tetapi perangkat ini belum menyimpan daftar pencabutan. Periksa lagi saat terhubung ke internet.",
    "verify.revoked_title": "Asli, tetapi sudah dicabut",
    "verify.revoked_body": "Dokumen ini pernah diterbitkan oleh kami, tetapi sudah dicabut dan tidak berlaku lagi.",
    "verify.revoked_offline_body":
      "Menurut daftar pencabutan yang tersimpan ({time}), dokumen ini sudah dicabut dan tidak berlaku lagi.",
    "verify.reason": "Alasan pencabutan",
    "verify.expired_title": "Asli, tetapi sudah kedaluwarsa",
    "verify.expired_body": "Dokumen ini diterbitkan oleh kami, tetapi masa berlakunya berakhir pada {date}.",
    "verify.forged_title": "Tidak asli",
    "verify.forged_body":
      "Tanda tangan digital tidak cocok: isi kode QR telah diubah, atau dokumen ini tidak diterbitkan oleh kami. Jangan terima dokumen ini.",
    "verify.unknown_title": "Tidak dapat dipastikan",
    "verify.unknown_body":
      "Tanda tangan digital asli, tetapi dokumen ini tidak kami temukan. Hubungi kantor layanan sebelum menerimanya.",
    "verify.number": "Nomor dokumen",
    "verify.holder": "Diberikan kepada",
    "verify.service": "Layanan",
    "verify.issued": "Tanggal terbit",
    "verify.valid_until": "Berlaku sampai",
    "verify.no_end": "Tidak dibatasi waktu",
    "verify.office": "Diterbitkan oleh",
    "verify.check_another": "Periksa dokumen lain",
  },
  en: {
    "verify.title": "Check a document — Satu Pintu",
    "verify.heading": "Check that a document is genuine",
    "verify.lead":
      "Scan the QR code on the permit with a phone camera, or paste its link here. The digital signature is checked on your device.",
    "verify.link_label": "Link from the QR code",
    "verify.link_hint": "It starts with this page's address, followed by # and a long row of digits.",
    "verify.submit": "Check",
    "verify.other_ways": "Other ways",
    "verify.photo_label": "Photo of the QR code",
    "verify.photo_hint": "Choose a photo that shows the whole QR code clearly.",
    "verify.camera_start": "Scan with the camera",
    "verify.camera_stop": "Stop the camera",
    "verify.offline_note":
      "Once opened, this page also works without an internet connection: it checks against the last revocation list it saved, and nobody learns which document you checked.",
    "verify.checking": "Checking the digital signature…",
    "verify.empty": "Paste the link from the QR code first.",
    "verify.unreadable":
      "This link holds no readable document code. Make sure the whole link was copied, or scan the QR code again.",
    "verify.no_detector":
      "This browser cannot read QR codes from photos or the camera. Scan the QR code with your phone's camera app, or paste its link above.",
    "verify.no_qr_in_photo": "No QR code could be read in this photo. Try a closer, sharper photo.",
    "verify.camera_failed": "The camera could not be opened. Allow camera access, or choose a photo of the QR code.",
    "verify.no_key":
      "The public key that checks signatures is not saved on this device yet. Connect to the internet and try again.",
    "verify.valid_title": "Genuine and valid",
    "verify.valid_body": "We issued this document, its content is unchanged, and it has not been revoked.",
    "verify.valid_offline_title": "Genuine, not revoked as of {time}",
    "verify.valid_offline_body":
      "You are offline. The digital signature is genuine; according to the saved revocation list ({time}) this document has not been revoked.",
    "verify.unknown_offline_title": "Genuine, revocation not yet checked",
    "verify.unknown_offline_body":
      "The digital signature is genuine, but this device has no revocation list saved yet. Check again when you are online.",
    "verify.revoked_title": "Genuine, but revoked",
    "verify.revoked_body": "We issued this document, but it has been revoked and is no longer valid.",
    "verify.revoked_offline_body":
      "According to the saved revocation list ({time}), this document has been revoked and is no longer valid.",
    "verify.reason": "Reason for revocation",
    "verify.expired_title": "Genuine, but expired",
    "verify.expired_body": "We issued this document, but it stopped being valid on {date}.",
    "verify.forged_title": "Not genuine",
    "verify.forged_body":
      "The digital signature does not match: the QR code's content was changed, or we did not issue this document. Do not accept it.",
    "verify.unknown_title": "Cannot be confirmed",
    "verify.unknown_body":
      "The digital signature is genuine, but we cannot find this document. Contact the service office before accepting it.",
    "verify.number": "Document number",
    "verify.holder": "Issued to",
    "verify.service": "Service",
    "verify.issued": "Issued on",
    "verify.valid_until": "Valid until",
    "verify.no_end": "No end date",
    "verify.office": "Issued by",
    "verify.check_another": "Check another document",
  },
});
applyTranslations();

const result = document.getElementById("result");
const form = document.getElementById("verify-form");
const linkInput = document.getElementById("verify-link");
const photoInput = document.getElementById("verify-photo");
let lastVerdict = null; // redrawn in the other language on a switch

// ---------- Reading the token ----------

/** Return the JWS a pasted link, a fragment or a scanned text carries, or null. */
export function tokenFromText(text) {
  let value = String(text || "").trim();
  const hash = value.indexOf("#");
  if (hash >= 0) value = value.slice(hash + 1);
  value = value.replace(/\s+/g, "");
  if (/^\d+$/.test(value)) {
    if (value.length % 2) return null;
    let out = "";
    for (let i = 0; i < value.length; i += 2) out += String.fromCharCode(Number(value.slice(i, i + 2)) + 45);
    value = out;
  }
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value) ? value : null;
}

function b64urlBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function b64urlJson(text) {
  return JSON.parse(new TextDecoder().decode(b64urlBytes(text)));
}

// ---------- Keys and signatures ----------

async function fetchJson(path) {
  const response = await fetch(apiUrl(path), { headers: { Accept: "application/json" } });
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, "");
  return response.json();
}

/** Return the published keys: from the network, or offline from the service worker's cache. */
async function loadKeys() {
  try {
    return (await fetchJson("/.well-known/jwks.json")).keys || [];
  } catch {
    return null;
  }
}

/**
 * Check a compact JWS against the keys; return its payload, or null when it is not signed by one of them.
 * A token naming no known key is "not genuine" too: only the published keys sign our documents.
 */
export async function verifiedPayload(token, keys) {
  const [headerPart, payloadPart, signaturePart] = token.split(".");
  let header;
  try {
    header = b64urlJson(headerPart);
  } catch {
    return null;
  }
  const jwk = keys.find((k) => k.kid === header.kid);
  if (header.alg !== "ES256" || !jwk) return null;
  try {
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true },
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    const signature = b64urlBytes(signaturePart);
    const data = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
    const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data);
    return ok ? b64urlJson(payloadPart) : null;
  } catch {
    return null;
  }
}

// ---------- Revocation ----------

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Look the permit's bit up in the signed status list (the saved one when offline): {revoked, at} or null.
 * The whole list is fetched, the same for everyone, so the request names no permit.
 */
async function statusFromList(index, keys) {
  let body;
  try {
    body = await fetchJson("/status-list");
  } catch {
    return null;
  }
  const payload = await verifiedPayload(body.status_list || "", keys);
  if (!payload || typeof index !== "number") return null;
  const bits = await gunzip(b64urlBytes(payload.bits));
  if (index >= bits.length * 8) return null;
  return { revoked: Boolean(bits[index >> 3] & (0x80 >> (index & 7))), at: new Date(payload.iat * 1000).toISOString() };
}

/** Decide the verdict for a genuine payload: the API first; when it cannot be reached, the saved status list. */
async function judge(payload, keys) {
  const expired = Boolean(payload.v) && payload.v < jakartaDate();
  // Known to be offline: the permit's number is not even attempted on the network.
  if (navigator.onLine) {
    try {
      const answer = await apiGet(`/documents/${encodeURIComponent(payload.n)}/verify`);
      return { kind: answer.status, reason: answer.reason, online: true };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return { kind: "unknown", online: true };
      // Any other failure (no network, a server error): fall back to the signed status list.
    }
  }
  const status = await statusFromList(payload.x, keys);
  if (status?.revoked) return { kind: "revoked", at: status.at, online: false };
  if (expired) return { kind: "expired", online: false };
  return status ? { kind: "valid_offline", at: status.at, online: false } : { kind: "unknown_offline", online: false };
}

// ---------- Showing the verdict ----------

const PANEL = {
  valid: "verdict--valid",
  valid_offline: "verdict--valid",
  unknown_offline: "verdict--unknown",
  revoked: "verdict--revoked",
  expired: "verdict--expired",
  forged: "verdict--forged",
  unknown: "verdict--unknown",
};

function fact(key, value) {
  return h(
    "div",
    { class: "summary-list__row" },
    h("dt", { class: "summary-list__key" }, t(key)),
    h("dd", { class: "summary-list__value" }, value),
  );
}

function render(verdict) {
  lastVerdict = verdict;
  const { kind, payload, reason, at, serviceName } = verdict;
  const time = at ? formatDateTime(at) : "";
  const titles = {
    valid: t("verify.valid_title"),
    valid_offline: t("verify.valid_offline_title", { time }),
    unknown_offline: t("verify.unknown_offline_title"),
    revoked: t("verify.revoked_title"),
    expired: t("verify.expired_title"),
    forged: t("verify.forged_title"),
    unknown: t("verify.unknown_title"),
  };
  const bodies = {
    valid: t("verify.valid_body"),
    valid_offline: t("verify.valid_offline_body", { time }),
    unknown_offline: t("verify.unknown_offline_body"),
    revoked: verdict.online === false ? t("verify.revoked_offline_body", { time }) : t("verify.revoked_body"),
    expired: t("verify.expired_body", { date: payload?.v ? formatDate(payload.v) : "" }),
    forged: t("verify.forged_body"),
    unknown: t("verify.unknown_body"),
  };
  const facts =
    payload && kind !== "forged"
      ? h(
          "dl",
          { class: "summary-list" },
          fact("verify.number", h("span", { class: "reference" }, payload.n)),
          fact("verify.holder", payload.h),
          fact("verify.service", serviceName ? pick(serviceName, "name") : payload.s),
          fact("verify.issued", formatDate(payload.i)),
          fact("verify.valid_until", payload.v ? formatDate(payload.v) : t("verify.no_end")),
          fact("verify.office", payload.o),
        )
      : null;
  result.removeAttribute("aria-busy");
  const panel = h(
    "div",
    { class: `verdict ${PANEL[kind]}`, id: "verdict", tabindex: "-1", dataset: { verdict: kind } },
    h("h2", { class: "verdict__title" }, titles[kind]),
    h("p", { class: "verdict__body" }, bodies[kind]),
    kind === "revoked" && reason
      ? h("p", { class: "verdict__reason" }, h("strong", {}, `${t("verify.reason")}: `), reason)
      : null,
  );
  // A forged token shows no facts: what it claims cannot be trusted.
  result.replaceChildren(...[panel, facts].filter(Boolean));
  panel.focus();
}

function showMessage(key) {
  lastVerdict = null;
  result.removeAttribute("aria-busy");
  result.replaceChildren(h("p", { class: "error-message", role: "alert", "data-i18n": key }, t(key)));
}

async function serviceNames(serviceId) {
  try {
    return await apiGet(`/services/${encodeURIComponent(serviceId)}`, undefined, { timeout: 4000 });
  } catch {
    return null; // offline or unknown: the service id is shown instead
  }
}

/** Check one token end to end and show the verdict. */
async function check(token) {
  result.setAttribute("aria-busy", "true");
  result.replaceChildren(h("p", { class: "loading", role: "status" }, t("verify.checking")));
  const keys = await loadKeys();
  if (!keys) return showMessage("verify.no_key");
  const payload = await verifiedPayload(token, keys);
  if (!payload) return render({ kind: "forged" });
  const verdict = await judge(payload, keys);
  const serviceName = await serviceNames(payload.s); // offline, the service worker's saved copy if any
  render({ ...verdict, payload, serviceName });
}

function checkText(text) {
  if (!String(text || "").trim()) return showMessage("verify.empty");
  const token = tokenFromText(text);
  if (!token) return showMessage("verify.unreadable");
  return check(token);
}

// ---------- Inputs: the link's fragment, a pasted link, a photo, the camera ----------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  checkText(linkInput.value);
});

const detector = "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;

photoInput.addEventListener("change", async () => {
  const file = photoInput.files?.[0];
  if (!file) return;
  if (!detector) return showMessage("verify.no_detector");
  try {
    const codes = await detector.detect(await createImageBitmap(file));
    if (!codes.length) return showMessage("verify.no_qr_in_photo");
    linkInput.value = codes[0].rawValue;
    checkText(codes[0].rawValue);
  } catch {
    showMessage("verify.no_qr_in_photo");
  }
});

function setUpCamera() {
  const box = document.getElementById("camera");
  const button = document.getElementById("camera-start");
  const video = document.getElementById("camera-video");
  if (!detector || !navigator.mediaDevices?.getUserMedia) return;
  box.hidden = false;
  let stream = null;
  const stop = () => {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    button.dataset.i18n = "verify.camera_start";
    button.textContent = t("verify.camera_start");
  };
  const scan = async () => {
    if (!stream) return;
    try {
      const codes = await detector.detect(video);
      if (codes.length) {
        stop();
        linkInput.value = codes[0].rawValue;
        checkText(codes[0].rawValue);
        return;
      }
    } catch {
      // the frame was not ready yet: try the next one
    }
    requestAnimationFrame(scan);
  };
  button.addEventListener("click", async () => {
    if (stream) return stop();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch {
      return showMessage("verify.camera_failed");
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    button.dataset.i18n = "verify.camera_stop";
    button.textContent = t("verify.camera_stop");
    scan();
  });
}

function checkFragment() {
  if (location.hash.length > 1) {
    linkInput.value = location.href;
    checkText(location.hash);
  }
}

// The service worker keeps this page, the key and the last status list for offline checks; the list is
// fetched whole on every visit (the same request for everyone), so the saved one is never far behind.
async function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("verify-sw.js", { scope: "./verify" });
    await navigator.serviceWorker.ready;
    await Promise.allSettled([fetch(apiUrl("/.well-known/jwks.json")), fetch(apiUrl("/status-list"))]);
  } catch {
    // no offline copy this time; online checks still work
  }
}

onLangChange(() => {
  if (lastVerdict) render(lastVerdict);
});
window.addEventListener("hashchange", checkFragment);
setUpCamera();
checkFragment();
keepForOffline();
