// The officers' console at the door: choose the service point (kept for this tab), take the visitor's
// ticket (the QR scanned with the camera where the browser has BarcodeDetector, or the code typed or read by a
// hand scanner) and temperature, and show the verdict large enough to read from a step away: MASUK, DITOLAK
// (37.5 °C or more), RUANGAN PENUH, or why the ticket does not open the door today. People leaving are
// checked out by their booking number, or by the ticket code of anyone this desk let in.
// The officer's token stays in officer.js: this view calls the API through the function it is given.

import { ApiError, apiFetch, describeError } from "./api.js";
import { h, showError } from "./dom.js";
import { FormErrors, fill, serverErrors, serverText } from "./forms.js";
import { addMessages, currentLang, formatNumber, onLangChange, t } from "./i18n.js";
import { formatDate, formatDateTime } from "./status.js";

addMessages({
  id: {
    "checkin.tab": "Pintu masuk",
    "checkin.heading": "Pintu masuk: suhu dan check-in",
    "checkin.site": "Tempat layanan",
    "checkin.site_hint": "Diingat selama tab ini terbuka.",
    "checkin.village": "Kantor kelurahan",
    "checkin.village_none": "Kantor kecamatan itu sendiri",
    "checkin.kind_mall": "Mal pelayanan publik",
    "checkin.kind_city": "Kantor wali kota / bupati",
    "checkin.kind_kecamatan": "Kantor kecamatan",
    "checkin.ticket": "Kode tiket atau nomor pemesanan",
    "checkin.ticket_hint": "Contoh: PTSP-0930-7K3M atau BK-…; pemindai QR genggam juga mengetik di sini.",
    "checkin.scan": "Pindai QR dengan kamera",
    "checkin.scan_stop": "Tutup kamera",
    "checkin.scan_help": "Arahkan QR pada tiket ke kamera.",
    "checkin.scan_failed": "Kamera tidak dapat dibuka. Ketik kode tiketnya.",
    "checkin.scanned": "QR terbaca: {id}. Isi suhu, lalu periksa.",
    "checkin.temperature": "Suhu tubuh (°C)",
    "checkin.temperature_hint": "Contoh: 36,6. Titik atau koma sama saja.",
    "checkin.submit": "Periksa dan masukkan",
    "checkin.busy": "Memeriksa…",
    "checkin.need_site": "Pilih tempat layanan.",
    "checkin.need_ticket": "Isi kode tiket atau nomor pemesanan, atau pindai QR.",
    "checkin.need_temperature": "Isi suhu tubuh, misalnya 36,6.",
    "checkin.bad_temperature": "Suhu harus angka antara 34,0 dan 43,0 °C. Ukur ulang.",
    "checkin.admitted": "MASUK",
    "checkin.admitted_body": "{code} · jam {start}–{end} · {temp} °C. Silakan masuk.",
    "checkin.refused": "DITOLAK",
    "checkin.refused_body": "Suhu {temp} °C (batas 37,5 °C). Pengunjung tidak boleh masuk hari ini.",
    "checkin.refused_advice":
      "Pengunjung sudah dikirimi e-mail: sarankan beristirahat, memakai layanan daring (mengajukan permohonan dan konsultasi lewat e-mail) dan memesan kunjungan baru setelah sehat. Tempatnya hari ini dilepas.",
    "checkin.full": "RUANGAN PENUH",
    "checkin.full_body": "Di dalam {inside} dari {cap} orang. Minta pengunjung menunggu; coba lagi setelah ada yang keluar.",
    "checkin.not_admitted": "TIDAK DAPAT MASUK",
    "checkin.wrong_day": "Tiket ini untuk {date}, bukan hari ini.",
    "checkin.wrong_day_plain": "Tiket ini bukan untuk hari ini.",
    "checkin.wrong_site": "Tiket ini untuk tempat layanan lain: {site}.",
    "checkin.wrong_site_plain": "Tiket ini untuk tempat layanan lain.",
    "checkin.used_CHECKED_IN": "Tiket ini sudah dipakai: pengunjungnya sudah di dalam.",
    "checkin.used_DONE": "Tiket ini sudah dipakai: kunjungannya sudah selesai.",
    "checkin.used_CANCELLED": "Tiket ini sudah dibatalkan.",
    "checkin.used_NO_SHOW": "Tiket ini hangus: pengunjung tidak datang pada jamnya.",
    "checkin.used_REFUSED": "Tiket ini sudah ditolak hari ini karena suhu tinggi.",
    "checkin.used_other": "Tiket ini sudah tidak dapat dipakai untuk masuk.",
    "checkin.unknown": "Tiket tidak ditemukan di tempat ini hari ini. Periksa kodenya atau pindai QR.",
    "checkin.ambiguous": "Kode ini cocok dengan lebih dari satu pemesanan. Pindai QR pada tiket.",
    "checkin.symbol_admitted": "Boleh masuk",
    "checkin.symbol_stop": "Tidak boleh masuk",
    "checkin.symbol_wait": "Menunggu",
    "checkin.occupancy": "Di dalam sekarang",
    "checkin.of": "dari {cap}",
    "checkin.today": "Hari ini",
    "checkin.booked_today": "Dipesan",
    "checkin.checked_in_today": "Masuk",
    "checkin.refused_today": "Ditolak",
    "checkin.no_show_today": "Tidak datang",
    "checkin.updated": "Diperbarui {time}",
    "checkin.occupancy_failed": "Angka okupansi belum dapat dimuat.",
    "checkin.board_link": "Papan antrean untuk layar di pintu masuk",
    "checkout.heading": "Pengunjung keluar",
    "checkout.ticket": "Nomor pemesanan atau kode tiket",
    "checkout.ticket_hint": "Kode tiket dikenali untuk pengunjung yang dimasukkan dari perangkat ini; selain itu pakai nomor pemesanan (BK-…) atau QR.",
    "checkout.submit": "Catat keluar",
    "checkout.done": "{code} keluar. Di dalam sekarang {inside} dari {cap}.",
    "checkout.not_inside": "Pengunjung ini tidak tercatat di dalam (belum masuk atau sudah keluar).",
    "checkout.unknown_code": "Kode tiket ini tidak masuk lewat perangkat ini. Ketik nomor pemesanan (BK-…) atau pindai QR.",
    "checkout.inside_heading": "Masuk lewat perangkat ini",
    "checkout.leave": "Keluar: {code}",
  },
  en: {
    "checkin.tab": "Door",
    "checkin.heading": "At the door: temperature and check-in",
    "checkin.site": "Service point",
    "checkin.site_hint": "Remembered while this tab is open.",
    "checkin.village": "Kelurahan office",
    "checkin.village_none": "The kecamatan office itself",
    "checkin.kind_mall": "Public service mall",
    "checkin.kind_city": "City / regency offices",
    "checkin.kind_kecamatan": "Kecamatan offices",
    "checkin.ticket": "Ticket code or booking number",
    "checkin.ticket_hint": "For example PTSP-0930-7K3M or BK-…; a handheld QR scanner types here too.",
    "checkin.scan": "Scan the QR with the camera",
    "checkin.scan_stop": "Close the camera",
    "checkin.scan_help": "Hold the ticket's QR code to the camera.",
    "checkin.scan_failed": "The camera cannot be opened. Type the ticket code.",
    "checkin.scanned": "QR read: {id}. Enter the temperature, then check.",
    "checkin.temperature": "Body temperature (°C)",
    "checkin.temperature_hint": "For example 36.6. A point or a comma, either will do.",
    "checkin.submit": "Check and admit",
    "checkin.busy": "Checking…",
    "checkin.need_site": "Choose the service point.",
    "checkin.need_ticket": "Enter the ticket code or booking number, or scan the QR.",
    "checkin.need_temperature": "Enter the body temperature, for example 36.6.",
    "checkin.bad_temperature": "The temperature must be a number from 34.0 to 43.0 °C. Measure again.",
    "checkin.admitted": "ADMITTED",
    "checkin.admitted_body": "{code} · {start}–{end} · {temp} °C. Please go in.",
    "checkin.refused": "REFUSED",
    "checkin.refused_body": "Temperature {temp} °C (the limit is 37.5 °C). The visitor may not come in today.",
    "checkin.refused_advice":
      "The visitor has been e-mailed: advise them to rest, to use the online services (applications, and questions by e-mail) and to book a new visit once well. Today's place has been given back.",
    "checkin.full": "ROOM FULL",
    "checkin.full_body": "{inside} of {cap} people inside. Ask the visitor to wait; try again when someone leaves.",
    "checkin.not_admitted": "CANNOT COME IN",
    "checkin.wrong_day": "This ticket is for {date}, not today.",
    "checkin.wrong_day_plain": "This ticket is not for today.",
    "checkin.wrong_site": "This ticket is for another service point: {site}.",
    "checkin.wrong_site_plain": "This ticket is for another service point.",
    "checkin.used_CHECKED_IN": "This ticket has been used: the visitor is already inside.",
    "checkin.used_DONE": "This ticket has been used: the visit is over.",
    "checkin.used_CANCELLED": "This ticket was cancelled.",
    "checkin.used_NO_SHOW": "This ticket has lapsed: the visitor did not come at their time.",
    "checkin.used_REFUSED": "This ticket was refused today for a high temperature.",
    "checkin.used_other": "This ticket can no longer be used to come in.",
    "checkin.unknown": "No such ticket here today. Check the code or scan the QR.",
    "checkin.ambiguous": "This code matches more than one booking. Scan the ticket's QR.",
    "checkin.symbol_admitted": "May come in",
    "checkin.symbol_stop": "May not come in",
    "checkin.symbol_wait": "Waiting",
    "checkin.occupancy": "Inside now",
    "checkin.of": "of {cap}",
    "checkin.today": "Today",
    "checkin.booked_today": "Booked",
    "checkin.checked_in_today": "Checked in",
    "checkin.refused_today": "Refused",
    "checkin.no_show_today": "No-show",
    "checkin.updated": "Updated {time}",
    "checkin.occupancy_failed": "The occupancy cannot be loaded yet.",
    "checkin.board_link": "The queue board for the screen at the entrance",
    "checkout.heading": "People leaving",
    "checkout.ticket": "Booking number or ticket code",
    "checkout.ticket_hint": "A ticket code is known for visitors let in from this device; otherwise use the booking number (BK-…) or the QR.",
    "checkout.submit": "Check out",
    "checkout.done": "{code} has left. {inside} of {cap} inside now.",
    "checkout.not_inside": "This visitor is not recorded as inside (not checked in, or already out).",
    "checkout.unknown_code": "This ticket code did not come in through this device. Type the booking number (BK-…) or scan the QR.",
    "checkout.inside_heading": "Let in from this device",
    "checkout.leave": "Check out: {code}",
  },
});

const SITE_KEY = "satupintu.checkin.site";
const QR_PREFIX = "SATUPINTU-BOOKING:";
const BOOKING_ID = /^BK-[0-9A-Z]{10}$/;
const LOWEST_C = 34.0;
const HIGHEST_C = 43.0;
const OCCUPANCY_REFRESH_MS = 30000;

const $ = (id) => document.getElementById(id);

/** Read what was typed or scanned: `{id}` for a booking number or the QR's text, `{code}` for a ticket code. */
export function readTicket(text) {
  const value = String(text || "").trim().toUpperCase();
  if (!value) return null;
  if (value.startsWith(QR_PREFIX)) return { id: value.slice(QR_PREFIX.length).trim() };
  if (BOOKING_ID.test(value)) return { id: value };
  return { code: value };
}

/** Read a temperature as typed at the door: "36,8" and "36.8" alike; null when it is not a number. */
export function readTemperature(text) {
  const value = String(text || "").trim().replace(",", ".");
  if (!/^\d{2}(\.\d{1,2})?$/.test(value)) return null;
  return Number(value);
}

/** Write a temperature the reader's way: 36,6 in Indonesian, 36.6 in English. */
function degrees(value) {
  return formatNumber(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/**
 * Build the door view inside officer.html's #checkin-view. `call(path, options)` is the console's API call
 * with the officer's token. Returns `{open, close}` for the console's router.
 */
export function createCheckIn(call) {
  const errors = new FormErrors({ main: $("ci-errors") });
  const form = $("ci-form");
  const verdict = $("ci-verdict");
  const occupancyEl = $("ci-occupancy");
  const checkoutForm = $("co-form");
  const checkoutResult = $("co-result");
  const insideList = $("co-inside");
  // Who came in through this desk in this tab: ticket code → booking, so a typed code can check them out.
  const letIn = new Map();
  let sites = null;
  let lastVerdict = null;
  let lastOccupancy = null;
  let lastCheckout = null;
  let refreshTimer = null;
  let scanning = null;

  function remembered() {
    try {
      return JSON.parse(sessionStorage.getItem(SITE_KEY) || "null");
    } catch {
      return null;
    }
  }

  function siteId() {
    return $("ci-village").value || $("ci-site").value;
  }

  async function loadSites() {
    if (sites) return;
    // One kind after another: the first answer warms the function's catalogue for the next two.
    const found = {};
    for (const kind of ["mall", "city", "kecamatan"]) found[kind] = (await apiFetch("/sites", { params: { kind } })).sites;
    sites = found;
    drawSites();
    const kept = remembered();
    if (kept?.site && [...$("ci-site").options].some((o) => o.value === kept.site)) {
      $("ci-site").value = kept.site;
      await loadVillages(kept.village);
    } else {
      await loadVillages();
    }
  }

  function drawSites() {
    const chosen = $("ci-site").value || remembered()?.site;
    const shortName = (s) => s.name.replace("Kantor Kecamatan ", "");
    fill(
      $("ci-site"),
      ...["mall", "city", "kecamatan"].map((kind) =>
        h(
          "optgroup",
          { label: t(`checkin.kind_${kind}`) },
          sites[kind].map((s) => h("option", { value: s.id, dataset: { area: s.area_code, kind } }, shortName(s))),
        ),
      ),
    );
    if (chosen && [...$("ci-site").options].some((o) => o.value === chosen)) $("ci-site").value = chosen;
  }

  async function loadVillages(chosen = "") {
    const option = $("ci-site").selectedOptions[0];
    const group = $("ci-village-group");
    if (option?.dataset.kind !== "kecamatan") {
      group.hidden = true;
      fill($("ci-village"));
      return siteChanged();
    }
    const villages = (await apiFetch("/sites", { params: { kind: "kelurahan", area: option.dataset.area } })).sites;
    fill(
      $("ci-village"),
      h("option", { value: "" }, t("checkin.village_none")),
      villages.map((v) => h("option", { value: v.id }, v.name.replace("Kantor Kelurahan ", ""))),
    );
    if (villages.some((v) => v.id === chosen)) $("ci-village").value = chosen;
    group.hidden = false;
    return siteChanged();
  }

  function siteChanged() {
    sessionStorage.setItem(SITE_KEY, JSON.stringify({ site: $("ci-site").value, village: $("ci-village").value }));
    const board = $("ci-board");
    board.href = `board.html?site=${encodeURIComponent(siteId())}`;
    lastOccupancy = null;
    return refreshOccupancy();
  }

  // ---- Occupancy beside the verdict ----
  async function refreshOccupancy() {
    const id = siteId();
    if (!id) return;
    try {
      lastOccupancy = await call(`/officer/sites/${encodeURIComponent(id)}/occupancy`);
      lastOccupancy.loaded_at = new Date().toISOString();
    } catch (error) {
      lastOccupancy = lastOccupancy ? { ...lastOccupancy, stale: true } : { failed: error };
    }
    drawOccupancy();
  }

  function setInside(occupancy) {
    if (!occupancy || !lastOccupancy || lastOccupancy.failed) return refreshOccupancy();
    Object.assign(lastOccupancy, occupancy, { loaded_at: new Date().toISOString() });
    drawOccupancy();
    // The day's counts (checked in, refused) changed too: read them again, quietly.
    return refreshOccupancy();
  }

  function drawOccupancy() {
    const o = lastOccupancy;
    if (!o) return fill(occupancyEl);
    if (o.failed) return fill(occupancyEl, h("p", { class: "hint" }, t("checkin.occupancy_failed")));
    const count = (key) => h("div", { class: "stat" }, h("dt", { class: "stat__label" }, t(`checkin.${key}`)), h("dd", { class: "stat__number" }, formatNumber(o[key] ?? 0)));
    fill(
      occupancyEl,
      h(
        "div",
        { class: "occupancy__now" },
        h("p", { class: "occupancy__label" }, t("checkin.occupancy")),
        h("p", { class: "occupancy__figure", id: "ci-inside" }, h("span", { class: "occupancy__inside" }, formatNumber(o.inside)), " ", h("span", { class: "occupancy__cap" }, t("checkin.of", { cap: formatNumber(o.cap) }))),
      ),
      h("h3", { class: "heading-s" }, t("checkin.today")),
      h("dl", { class: "stat-grid stat-grid--small" }, ["booked_today", "checked_in_today", "refused_today", "no_show_today"].map(count)),
      h("p", { class: "hint" }, t("checkin.updated", { time: formatDateTime(o.loaded_at) })),
    );
  }

  // ---- The verdict ----
  function drawVerdict() {
    const v = lastVerdict;
    if (!v) return fill(verdict);
    const lang = currentLang();
    const kinds = {
      admitted: { title: t("checkin.admitted"), symbol: "✓", symbolText: t("checkin.symbol_admitted") },
      refused: { title: t("checkin.refused"), symbol: "✕", symbolText: t("checkin.symbol_stop") },
      full: { title: t("checkin.full"), symbol: "⏸", symbolText: t("checkin.symbol_wait") },
      stop: { title: t("checkin.not_admitted"), symbol: "✕", symbolText: t("checkin.symbol_stop") },
    };
    const kind = kinds[v.kind];
    const lines = [];
    if (v.kind === "admitted") {
      const b = v.booking;
      lines.push(t("checkin.admitted_body", { code: b.ticket_code, start: b.start, end: b.end, temp: degrees(b.temperature_c) }));
    } else if (v.kind === "refused") {
      lines.push(t("checkin.refused_body", { temp: degrees(v.booking.temperature_c) }), t("checkin.refused_advice"));
    } else if (v.kind === "full") {
      lines.push(t("checkin.full_body", { inside: formatNumber(v.details?.inside ?? 0), cap: formatNumber(v.details?.cap ?? 0) }));
    } else {
      lines.push(v.reason(lang));
    }
    fill(
      verdict,
      h(
        "div",
        { class: `door-verdict__box door-verdict__box--${v.kind}`, dataset: { verdict: v.kind } },
        h("p", { class: "door-verdict__title" }, h("span", { class: "door-verdict__symbol", "aria-hidden": "true" }, kind.symbol), " ", kind.title, h("span", { class: "visually-hidden" }, ` (${kind.symbolText})`)),
        lines.map((line) => h("p", { class: "door-verdict__body" }, line)),
      ),
    );
  }

  function conflictReason(error) {
    const d = error.details || {};
    if (error.code === "wrong_day") return () => (d.date ? t("checkin.wrong_day", { date: formatDate(d.date) }) : t("checkin.wrong_day_plain"));
    if (error.code === "wrong_site") return () => (d.site_name ? t("checkin.wrong_site", { site: d.site_name }) : t("checkin.wrong_site_plain"));
    if (error.code === "already_used") {
      return () => {
        const key = `checkin.used_${d.status}`;
        const text = t(key);
        return text === key ? t("checkin.used_other") : text;
      };
    }
    if (error.code === "ambiguous_ticket") return () => t("checkin.ambiguous");
    if (error.status === 404) return () => t("checkin.unknown");
    return (lang) => (error.message ? serverText({ message: error.message, message_en: error.messageEn }, lang) : describeError(error));
  }

  function validate() {
    const problems = [];
    if (!siteId()) problems.push({ id: "ci-site", text: () => t("checkin.need_site") });
    if (!readTicket(form.ticket.value)) problems.push({ id: "ci-ticket", text: () => t("checkin.need_ticket") });
    const raw = form.temperature.value.trim();
    const temperature = readTemperature(raw);
    if (!raw) problems.push({ id: "ci-temp", text: () => t("checkin.need_temperature") });
    else if (temperature === null || temperature < LOWEST_C || temperature > HIGHEST_C) {
      problems.push({ id: "ci-temp", text: () => t("checkin.bad_temperature") });
    }
    return { problems, temperature };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("ci-submit");
    if (button.dataset.busy) return;
    const { problems, temperature } = validate();
    if (problems.length) {
      errors.show(problems);
      return;
    }
    errors.clear();
    const ticket = readTicket(form.ticket.value);
    const site = siteId();
    button.dataset.busy = "true";
    button.setAttribute("aria-disabled", "true");
    button.textContent = t("checkin.busy");
    try {
      const booking = ticket.id
        ? await call(`/officer/bookings/${encodeURIComponent(ticket.id)}/check-in`, { method: "POST", body: { temperature_c: temperature, site_id: site } })
        : await call(`/officer/sites/${encodeURIComponent(site)}/check-in`, { method: "POST", body: { ticket_code: ticket.code, temperature_c: temperature } });
      if (booking.status === "CHECKED_IN") {
        lastVerdict = { kind: "admitted", booking };
        letIn.set(booking.ticket_code, booking);
        drawInside();
      } else {
        lastVerdict = { kind: "refused", booking };
      }
      form.reset();
      setInside(booking.occupancy);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        lastVerdict = null;
        const items = serverErrors(error, { fieldIds: { temperature_c: "ci-temp", ticket_code: "ci-ticket", site_id: "ci-site" } });
        errors.show(items.length ? items : [{ id: null, text: () => describeError(error) }]);
      } else if (error instanceof ApiError && error.code === "room_full") {
        lastVerdict = { kind: "full", details: error.details };
        if (error.details) setInside(error.details);
      } else {
        lastVerdict = { kind: "stop", reason: conflictReason(error) };
      }
    } finally {
      delete button.dataset.busy;
      button.removeAttribute("aria-disabled");
      button.textContent = t("checkin.submit");
    }
    drawVerdict();
    form.ticket.focus();
  });

  // ---- Scanning the ticket's QR with the camera (where the browser can) ----
  async function startScan() {
    const video = $("ci-video");
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      await video.play();
      scanning = { stream, stopped: false };
      $("ci-camera").hidden = false;
      $("ci-scan").hidden = true;
      $("ci-scan-status").textContent = t("checkin.scan_help");
      const look = async () => {
        if (!scanning || scanning.stopped) return;
        const found = await detector.detect(video).catch(() => []);
        const text = found.map((code) => code.rawValue).find((value) => readTicket(value)?.id);
        if (text) {
          const { id } = readTicket(text);
          form.ticket.value = id;
          stopScan();
          $("ci-scan-status").textContent = t("checkin.scanned", { id });
          form.temperature.focus();
          return;
        }
        setTimeout(look, 250);
      };
      look();
    } catch {
      stopScan();
      $("ci-scan-status").textContent = t("checkin.scan_failed");
    }
  }

  function stopScan() {
    if (scanning) {
      scanning.stopped = true;
      scanning.stream.getTracks().forEach((track) => track.stop());
      scanning = null;
    }
    $("ci-camera").hidden = true;
    $("ci-scan").hidden = false;
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices?.getUserMedia) {
    $("ci-scan-group").hidden = false;
    $("ci-scan").addEventListener("click", startScan);
    $("ci-scan-stop").addEventListener("click", () => {
      stopScan();
      $("ci-scan").focus();
    });
  }

  // ---- Check-out ----
  function drawInside() {
    const people = [...letIn.values()];
    fill(
      insideList,
      people.length
        ? [
            h("h4", { class: "heading-s" }, t("checkout.inside_heading")),
            h(
              "ul",
              { class: "list checkout__list" },
              people.map((b) =>
                h(
                  "li",
                  {},
                  h("button", { type: "button", class: "button button--secondary", on: { click: () => checkOut({ id: b.id }, b.ticket_code) } }, t("checkout.leave", { code: b.ticket_code })),
                ),
              ),
            ),
          ]
        : null,
    );
  }

  async function checkOut(ticket, label) {
    let id = ticket.id;
    let code = label || ticket.id;
    if (!id) {
      const known = letIn.get(ticket.code);
      if (!known) {
        lastCheckout = { failed: () => t("checkout.unknown_code") };
        return drawCheckout();
      }
      id = known.id;
      code = known.ticket_code;
    }
    try {
      const done = await call(`/officer/bookings/${encodeURIComponent(id)}/check-out`, { method: "POST" });
      for (const [key, booking] of letIn) if (booking.id === id) letIn.delete(key);
      lastCheckout = { code, occupancy: done.occupancy };
      checkoutForm.reset();
      drawInside();
      setInside(done.occupancy);
    } catch (error) {
      const reason =
        error instanceof ApiError && error.code === "not_inside"
          ? () => t("checkout.not_inside")
          : error instanceof ApiError && error.status === 404
            ? () => t("checkin.unknown")
            : (lang) => (error instanceof ApiError && error.message ? serverText({ message: error.message, message_en: error.messageEn }, lang) : describeError(error));
      lastCheckout = { failed: reason };
    }
    drawCheckout();
  }

  function drawCheckout() {
    const c = lastCheckout;
    if (!c) return fill(checkoutResult);
    fill(
      checkoutResult,
      c.failed
        ? h("p", { class: "checkout__message checkout__message--failed" }, h("strong", {}, "✕ "), c.failed(currentLang()))
        : h("p", { class: "checkout__message checkout__message--done" }, h("strong", {}, "✓ "), t("checkout.done", { code: c.code, inside: formatNumber(c.occupancy.inside), cap: formatNumber(c.occupancy.cap) })),
    );
  }

  checkoutForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const ticket = readTicket(checkoutForm.ticket.value);
    if (!ticket) {
      lastCheckout = { failed: () => t("checkin.need_ticket") };
      drawCheckout();
      return;
    }
    checkOut(ticket);
  });

  $("ci-site").addEventListener("change", () => loadVillages());
  $("ci-village").addEventListener("change", siteChanged);

  onLangChange(() => {
    if (sites) drawSites();
    drawVerdict();
    drawOccupancy();
    drawInside();
    drawCheckout();
    if (!$("ci-submit").dataset.busy) $("ci-submit").textContent = t("checkin.submit");
  });

  return {
    async open() {
      const problem = $("ci-site-error");
      try {
        await loadSites();
        fill(problem);
      } catch (error) {
        showError(problem, error, { retry: () => this.open() });
        return;
      }
      await refreshOccupancy();
      clearInterval(refreshTimer);
      refreshTimer = setInterval(refreshOccupancy, OCCUPANCY_REFRESH_MS);
      $("checkin-heading").focus();
    },
    close() {
      clearInterval(refreshTimer);
      refreshTimer = null;
      stopScan();
    },
  };
}
