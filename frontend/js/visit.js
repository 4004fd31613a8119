// Book a visit (place, counter, day, time from live availability, health declaration) and the ticket with its
// QR; "my booking" (#id=…&token=… from the e-mail) to see, reschedule or cancel it; the waitlist of a full slot.

import { ApiError, apiFetch, apiGet, apiPost } from "./api.js";
import { h, showError, showLoading, doneLoading } from "./dom.js";
import { FormErrors, busyButton, fill, looksLikeEmail, newIdempotencyKey, serverText } from "./forms.js";
import { addMessages, applyTranslations, currentLang, onLangChange, t } from "./i18n.js";
import { formatDate, jakartaDate } from "./status.js";

addMessages({
  id: {
    "visit.title": "Pesan kunjungan — Satu Pintu",
    "visit.heading": "Pesan kunjungan",
    "visit.lead": "Pilih tempat layanan, loket, hari dan jam. Datang hanya bila Anda sehat.",
    "visit.kind_label": "Tempat layanan",
    "visit.kind_mall": "Mal Pelayanan Publik DKI Jakarta",
    "visit.kind_city": "Kantor wali kota / bupati",
    "visit.kind_kecamatan": "Kantor kecamatan",
    "visit.kind_kelurahan": "Kantor kelurahan",
    "visit.city_label": "Kota / kabupaten",
    "visit.district_label": "Kecamatan",
    "visit.village_label": "Kelurahan",
    "visit.counter_label": "Loket",
    "visit.board_link": "Berapa orang di dalam tempat ini sekarang",
    "visit.date_label": "Hari kunjungan",
    "visit.date_hint": "Hari kerja dalam 14 hari ke depan; tutup pada hari Minggu dan hari libur.",
    "visit.start_label": "Jam (WIB)",
    "visit.places_left": "{n} tempat tersisa",
    "visit.no_slots": "Tidak ada jam yang tersisa pada hari ini. Pilih hari lain.",
    "visit.you_heading": "Data Anda",
    "visit.nik_hint": "16 digit angka pada KTP. Bawa KTP saat datang.",
    "visit.name_label": "Nama lengkap",
    "visit.email_label": "E-mail",
    "visit.email_hint": "Tiket dan pengingat dikirim ke sini.",
    "visit.health_heading": "Pernyataan kesehatan",
    "visit.health_lead": "Apakah hari ini Anda mengalami gejala berikut?",
    "visit.fever": "Demam",
    "visit.cough": "Batuk",
    "visit.flu": "Pilek",
    "visit.yes": "Ya",
    "visit.no": "Tidak",
    "visit.submit": "Pesan kunjungan",
    "visit.sending": "Memesan…",
    "visit.err_start": "Pilih jam kunjungan",
    "visit.err_nik": "Masukkan NIK 16 digit",
    "visit.err_name": "Masukkan nama lengkap Anda",
    "visit.err_email": "Masukkan alamat e-mail yang benar, misalnya nama@contoh.id",
    "visit.err_health": "Jawab pertanyaan “{what}”",
    "visit.stay_home": "Jangan datang dulu",
    "visit.alternatives": "Jam terdekat yang masih tersedia:",
    "visit.take": "Pilih {date} {start}",
    "visit.waitlist": "Masuk antrean tunggu untuk jam ini",
    "visit.ticket_title": "Kunjungan dipesan",
    "visit.ticket_code": "Kode tiket",
    "visit.place": "Tempat",
    "visit.when": "Waktu",
    "visit.status": "Status",
    "visit.position": "Urutan antrean",
    "visit.qr_alt": "Kode QR untuk check-in, tiket {code}",
    "visit.keep": "Simpan nomor pemesanan dan kode akses ini untuk melihat, mengubah atau membatalkan kunjungan:",
    "visit.booking_id": "Nomor pemesanan",
    "visit.token": "Kode akses",
    "visit.print": "Cetak tiket",
    "visit.open_mine": "Buka pemesanan saya",
    "visit.mine_heading": "Pemesanan saya",
    "visit.mine_id": "Nomor pemesanan",
    "visit.mine_token": "Kode akses",
    "visit.mine_submit": "Lihat pemesanan",
    "visit.reschedule": "Ubah jadwal",
    "visit.reschedule_submit": "Simpan jadwal baru",
    "visit.cancel": "Batalkan kunjungan",
    "visit.leave": "Keluar dari antrean tunggu",
    "visit.cancelled": "Kunjungan dibatalkan.",
    "visit.moved": "Jadwal diubah.",
    "visit.done": "Berhasil",
    "status.BOOKED": "Terpesan",
    "status.WAITLISTED": "Antrean tunggu",
    "status.CHECKED_IN": "Sudah hadir",
    "status.DONE": "Selesai",
    "status.CANCELLED": "Dibatalkan",
    "status.NO_SHOW": "Tidak hadir",
    "status.REFUSED": "Ditolak masuk",
  },
  en: {
    "visit.title": "Book a visit — Satu Pintu",
    "visit.heading": "Book a visit",
    "visit.lead": "Choose a service point, a counter, a day and a time. Come only if you are well.",
    "visit.kind_label": "Service point",
    "visit.kind_mall": "DKI Jakarta Public Service Mall",
    "visit.kind_city": "City / regency office",
    "visit.kind_kecamatan": "Kecamatan (district) office",
    "visit.kind_kelurahan": "Kelurahan (village) office",
    "visit.city_label": "City / regency",
    "visit.district_label": "Kecamatan (district)",
    "visit.village_label": "Kelurahan (village)",
    "visit.counter_label": "Counter",
    "visit.board_link": "How many people are inside this place now",
    "visit.date_label": "Day of the visit",
    "visit.date_hint": "Working days in the next 14 days; closed on Sundays and public holidays.",
    "visit.start_label": "Time (WIB)",
    "visit.places_left": "{n} places left",
    "visit.no_slots": "No time is left on this day. Choose another day.",
    "visit.you_heading": "About you",
    "visit.nik_hint": "The 16 digits on your KTP. Bring the KTP when you come.",
    "visit.name_label": "Full name",
    "visit.email_label": "E-mail",
    "visit.email_hint": "The ticket and a reminder are sent here.",
    "visit.health_heading": "Health declaration",
    "visit.health_lead": "Do you have any of these today?",
    "visit.fever": "Fever",
    "visit.cough": "Cough",
    "visit.flu": "Flu",
    "visit.yes": "Yes",
    "visit.no": "No",
    "visit.submit": "Book the visit",
    "visit.sending": "Booking…",
    "visit.err_start": "Choose a time",
    "visit.err_nik": "Enter the 16-digit NIK",
    "visit.err_name": "Enter your full name",
    "visit.err_email": "Enter a valid e-mail address, like name@example.id",
    "visit.err_health": "Answer “{what}”",
    "visit.stay_home": "Please do not come yet",
    "visit.alternatives": "The nearest times still free:",
    "visit.take": "Take {date} {start}",
    "visit.waitlist": "Join the waitlist for this time",
    "visit.ticket_title": "Visit booked",
    "visit.ticket_code": "Ticket code",
    "visit.place": "Place",
    "visit.when": "When",
    "visit.status": "Status",
    "visit.position": "Place in the waitlist",
    "visit.qr_alt": "Check-in QR code, ticket {code}",
    "visit.keep": "Keep this booking number and access code to see, move or cancel the visit:",
    "visit.booking_id": "Booking number",
    "visit.token": "Access code",
    "visit.print": "Print the ticket",
    "visit.open_mine": "Open my booking",
    "visit.mine_heading": "My booking",
    "visit.mine_id": "Booking number",
    "visit.mine_token": "Access code",
    "visit.mine_submit": "See the booking",
    "visit.reschedule": "Reschedule",
    "visit.reschedule_submit": "Save the new time",
    "visit.cancel": "Cancel the visit",
    "visit.leave": "Leave the waitlist",
    "visit.cancelled": "The visit is cancelled.",
    "visit.moved": "The visit is rescheduled.",
    "visit.done": "Done",
    "status.BOOKED": "Booked",
    "status.WAITLISTED": "Waitlisted",
    "status.CHECKED_IN": "Checked in",
    "status.DONE": "Done",
    "status.CANCELLED": "Cancelled",
    "status.NO_SHOW": "Did not come",
    "status.REFUSED": "Refused entry",
  },
});
applyTranslations();

const SYMPTOMS = ["fever", "cough", "flu"];
const $ = (id) => document.getElementById(id);
const form = $("booking-form");
const result = $("result");
const errors = new FormErrors();
let site = null;
let idempotencyKey = newIdempotencyKey();
let takeInMoveForm = takeInBookingForm;

// ---------- The place: the mall, or an office found by city and district ----------

async function sites(kind, area) {
  return (await apiGet("/sites", { kind, area })).sites;
}

function options(select, items, label) {
  fill(select, items.map((item) => h("option", { value: item.value }, label(item))));
}

function areaOf(code, parts) {
  return code.split(".").slice(0, parts).join(".");
}

let choosing = 0;

async function choosePlace() {
  // A newer choice wins: an answer that arrives after the citizen chose again is dropped.
  const mine = ++choosing;
  const stale = () => mine !== choosing;
  const kind = $("kind").value;
  $("city-group").hidden = kind === "mall";
  $("district-group").hidden = kind === "mall" || kind === "city";
  $("village-group").hidden = kind !== "kelurahan";
  if (kind === "mall") {
    const malls = await sites("mall");
    return stale() ? null : useSite(malls[0]);
  }
  const cities = await sites("city");
  if (stale()) return null;
  if (!$("city").options.length) options($("city"), cities.map((c) => ({ ...c, value: c.area_code })), (c) => c.name);
  if (kind === "city") return useSite(cities.find((c) => c.area_code === $("city").value));
  const districts = await sites("kecamatan", $("city").value);
  if (stale()) return null;
  const district = $("district").value;
  options($("district"), districts.map((d) => ({ ...d, value: d.area_code })), (d) => d.name.replace("Kantor Kecamatan ", ""));
  if (districts.some((d) => d.area_code === district)) $("district").value = district;
  if (kind === "kecamatan") return useSite(districts.find((d) => d.area_code === $("district").value));
  const villages = await sites("kelurahan", $("district").value);
  if (stale()) return null;
  const village = $("village").value;
  options($("village"), villages.map((v) => ({ ...v, value: v.id })), (v) => v.name.replace("Kantor Kelurahan ", ""));
  if (villages.some((v) => v.id === village)) $("village").value = village;
  return useSite(villages.find((v) => v.id === $("village").value));
}

function useSite(found) {
  site = found;
  if (!site) return;
  $("site-board").href = `board.html?site=${encodeURIComponent(site.id)}`;
  const counter = $("counter").value;
  options($("counter"), site.counters.map((c) => ({ ...c, value: c.id })), (c) => (currentLang() === "en" ? c.name_en : c.name));
  if (site.counters.some((c) => c.id === counter)) $("counter").value = counter;
  fillDays($("date"), site);
  return loadSlots();
}

/** Jakarta's wall clock now, as minutes since midnight. */
function jakartaMinutes() {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(new Date())
    .reduce((out, part) => ({ ...out, [part.type]: Number(part.value) }), {});
  return parts.hour * 60 + parts.minute;
}

/** The open days of a site within its horizon, computed as the API does (weekdays, less closed dates). */
function openDays(place) {
  const days = [];
  const [closeH, closeM] = place.opening_hours.close.split(":").map(Number);
  const shortest = Math.min(...place.counters.map((c) => c.slot_minutes));
  // Today only while a slot has yet to begin.
  const first = jakartaMinutes() < closeH * 60 + closeM - shortest ? 0 : 1;
  for (let n = first; n < (place.booking_horizon_days || 14); n++) {
    const day = jakartaDate(n);
    const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0, as the API counts
    if (place.opening_hours.days.includes(weekday) && !(place.closed_dates || []).includes(day)) days.push(day);
  }
  return days;
}

function fillDays(select, place) {
  const chosen = select.value;
  options(select, openDays(place).map((d) => ({ value: d })), (d) => formatDate(d.value));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

async function slotsOf(date, counterId) {
  return (await apiGet(`/sites/${encodeURIComponent(site.id)}/slots`, { date, counter_id: counterId })).slots;
}

function slotRadios(container, slots, name, chosen) {
  const free = slots.filter((s) => s.available > 0);
  if (!free.length) return fill(container, h("p", { class: "hint" }, t("visit.no_slots")));
  fill(
    container,
    free.map((slot, i) =>
      h(
        "div",
        { class: "radios__item" },
        h("input", {
          class: "radios__input",
          type: "radio",
          name,
          id: i === 0 ? `${name}` : `${name}-${slot.start.replace(":", "")}`,
          value: slot.start,
          checked: slot.start === chosen,
          "aria-describedby": `${name}-${i}-hint`,
        }),
        h(
          "label",
          { class: "radios__label", for: i === 0 ? `${name}` : `${name}-${slot.start.replace(":", "")}` },
          `${slot.start}–${slot.end}`,
          h("span", { class: "radios__hint", id: `${name}-${i}-hint` }, t("visit.places_left", { n: slot.available })),
        ),
      ),
    ),
  );
}

async function loadSlots(chosen = form.elements.start?.value) {
  const container = $("start");
  if (!site || !$("date").value) return fill(container);
  showLoading(container);
  try {
    slotRadios(container, await slotsOf($("date").value, $("counter").value), "start", chosen);
  } catch (error) {
    showError(container, error, { retry: () => loadSlots(chosen) });
  } finally {
    doneLoading(container);
  }
}

// ---------- The health declaration ----------

function healthQuestions() {
  // Redrawn in the new language with the answers kept.
  const kept = Object.fromEntries(SYMPTOMS.map((s) => [s, form.elements[`health-${s}`]?.value]));
  fill(
    $("health-group"),
    SYMPTOMS.map((symptom) =>
      h(
        "fieldset",
        { class: "fieldset" },
        h("legend", { class: "fieldset__legend" }, t(`visit.${symptom}`)),
        h(
          "div",
          { class: "radios radios--inline", id: `health-${symptom}`, tabindex: "-1" },
          ["yes", "no"].map((answer) =>
            h(
              "div",
              { class: "radios__item" },
              h("input", {
                class: "radios__input",
                type: "radio",
                name: `health-${symptom}`,
                id: `health-${symptom}-${answer}`,
                value: answer,
                checked: kept[symptom] === answer,
              }),
              h("label", { class: "radios__label", for: `health-${symptom}-${answer}` }, t(`visit.${answer}`)),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------- Booking ----------

function bookingBody() {
  const value = (name) => form.elements[name]?.value?.trim() || "";
  const health = {};
  for (const symptom of SYMPTOMS) {
    const answer = form.elements[`health-${symptom}`]?.value;
    health[symptom] = answer === "yes" ? true : answer === "no" ? false : null;
  }
  return {
    site_id: site?.id,
    counter_id: $("counter").value,
    date: $("date").value,
    start: form.elements.start?.value || "",
    nik: value("nik"),
    name: value("name"),
    email: value("email"),
    locale: currentLang(),
    health,
  };
}

function checkBody(body) {
  const found = [];
  if (!body.start) found.push({ id: "start", text: () => t("visit.err_start"), inline: false });
  if (!/^\d{16}$/.test(body.nik)) found.push({ id: "nik", text: () => t("visit.err_nik") });
  if (body.name.length < 2) found.push({ id: "name", text: () => t("visit.err_name") });
  if (!looksLikeEmail(body.email)) found.push({ id: "email", text: () => t("visit.err_email") });
  for (const symptom of SYMPTOMS) {
    if (body.health[symptom] === null) {
      found.push({ id: `health-${symptom}`, text: () => t("visit.err_health", { what: t(`visit.${symptom}`) }), inline: false });
    }
  }
  return found;
}

async function submitBooking(event) {
  event.preventDefault();
  const button = $("book-submit");
  if (button.dataset.busy) return;
  const body = bookingBody();
  const problems = checkBody(body);
  if (problems.length) return errors.show(problems);
  errors.clear();
  const done = busyButton(button, t("visit.sending"));
  try {
    const made = await apiPost("/bookings", body, { headers: { "Idempotency-Key": idempotencyKey } });
    idempotencyKey = newIdempotencyKey();
    form.hidden = true;
    showTicket(made, made.access_token, true);
  } catch (error) {
    refusal(error, body);
  } finally {
    done();
  }
}

/** Put a free slot offered after a refusal into the booking form. */
async function takeInBookingForm(slot) {
  $("date").value = slot.date;
  await loadSlots(slot.start);
  fill(result);
  $("start").focus();
}

function refusal(error, body, take = takeInBookingForm) {
  if (!(error instanceof ApiError)) return showError(result, error);
  if (error.code === "health_declaration") {
    const advice = error.details?.advice || {};
    return fill(
      result,
      h(
        "div",
        { class: "error-panel", role: "alert", tabindex: "-1" },
        h("h2", { class: "error-panel__title" }, t("visit.stay_home")),
        h("p", {}, serverText(error, currentLang()) || error.message),
        h("p", {}, serverText(advice, currentLang())),
        h("ul", { class: "list" }, h("li", {}, h("a", { href: "index.html" }, t("nav.apply"))), h("li", {}, h("a", { href: "consult.html" }, t("nav.consult")))),
      ),
    ).firstChild.focus();
  }
  if (error.status === 422 && Array.isArray(error.details)) {
    return errors.show(
      error.details.map((detail) => ({
        id: { nik: "nik", name: "name", email: "email", date: "date", start: "start" }[detail.field] || null,
        text: () => serverText(detail, currentLang()) || detail.code,
      })),
    );
  }
  if (error.status === 409 && error.details?.alternatives) {
    const message = currentLang() === "en" ? error.messageEn || error.message : error.message;
    const panel = h(
      "div",
      { class: "error-panel", role: "alert", tabindex: "-1" },
      h("h2", { class: "error-panel__title" }, message),
      h("p", {}, t("visit.alternatives")),
      h(
        "div",
        { class: "button-group" },
        error.details.alternatives.map((slot) =>
          h(
            "button",
            {
              type: "button",
              class: "button button--secondary",
              on: { click: () => take(slot) },
            },
            t("visit.take", { date: formatDate(slot.date), start: slot.start }),
          ),
        ),
      ),
      error.code === "slot_full" && body
        ? h("button", { type: "button", class: "link-button", on: { click: () => joinWaitlist(body) } }, t("visit.waitlist"))
        : null,
    );
    fill(result, panel);
    return panel.focus();
  }
  showError(result, error);
}

async function joinWaitlist(body) {
  try {
    const joined = await apiPost("/bookings/waitlist", body);
    form.hidden = true;
    showTicket(joined, joined.access_token, true);
  } catch (error) {
    showError(result, error);
  }
}

// ---------- The ticket, and my booking ----------

function qrImage(booking) {
  if (!booking.qr_svg) return null;
  // An <img> of a data: URL: the SVG is drawn as a picture, never parsed into the page.
  const src = `data:image/svg+xml;base64,${btoa(booking.qr_svg)}`;
  return h("img", { class: "ticket__qr", src, alt: t("visit.qr_alt", { code: booking.ticket_code }), width: "200", height: "200" });
}

function row(key, value) {
  return h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, key), h("dd", { class: "summary-list__value" }, value));
}

function showTicket(booking, token, fresh = false) {
  const mine = `visit.html#id=${encodeURIComponent(booking.id)}&token=${encodeURIComponent(token)}`;
  const panel = h(
    "div",
    { class: "ticket", tabindex: "-1" },
    fresh && booking.status === "BOOKED"
      ? h("div", { class: "panel panel--confirmation" }, h("h2", { class: "panel__title" }, t("visit.ticket_title")), h("div", { class: "panel__body" }, t("visit.ticket_code"), h("br"), h("strong", { class: "reference reference--large" }, booking.ticket_code)))
      : null,
    qrImage(booking),
    h(
      "dl",
      { class: "summary-list" },
      row(t("visit.ticket_code"), h("span", { class: "reference" }, booking.ticket_code)),
      row(t("visit.status"), h("strong", { class: "tag", dataset: { status: booking.status } }, t(`status.${booking.status}`))),
      booking.position ? row(t("visit.position"), String(booking.position)) : null,
      row(t("visit.place"), booking.site_name),
      row(t("visit.when"), `${formatDate(booking.date)}, ${booking.start}–${booking.end} WIB`),
    ),
    fresh
      ? h(
          "div",
          { class: "inset-text" },
          h("p", {}, t("visit.keep")),
          h("dl", { class: "summary-list" }, row(t("visit.booking_id"), h("code", { class: "reference" }, booking.id)), row(t("visit.token"), h("code", { class: "reference" }, token))),
        )
      : null,
    h(
      "div",
      { class: "button-group" },
      booking.status === "BOOKED" ? h("button", { type: "button", class: "button", on: { click: () => window.print() } }, t("visit.print")) : null,
      fresh ? h("a", { class: "button button--secondary", href: mine, on: { click: () => setTimeout(route, 0) } }, t("visit.open_mine")) : null,
    ),
    fresh ? null : manageButtons(booking, token),
  );
  fill(result, panel);
  panel.focus();
}

function manageButtons(booking, token) {
  if (!["BOOKED", "WAITLISTED"].includes(booking.status)) return null;
  const area = h("div", { id: "manage" });
  const cancel = h(
    "button",
    { type: "button", class: "button button--warning", id: "cancel-booking", on: { click: () => cancelBooking(booking, token) } },
    t(booking.status === "BOOKED" ? "visit.cancel" : "visit.leave"),
  );
  const reschedule =
    booking.status === "BOOKED"
      ? h("button", { type: "button", class: "button button--secondary", id: "reschedule", on: { click: () => rescheduleForm(area, booking, token) } }, t("visit.reschedule"))
      : null;
  return h("div", {}, h("div", { class: "button-group" }, reschedule, cancel), area);
}

async function rescheduleForm(area, booking, token) {
  site = (await apiGet(`/sites/${encodeURIComponent(booking.site_id)}`));
  const day = h("select", { class: "select", id: "move-date", name: "move-date" });
  fillDays(day, site);
  day.value = [...day.options].some((o) => o.value === booking.date) ? booking.date : day.value;
  const times = h("div", { class: "radios", id: "move-start", tabindex: "-1" });
  const load = async (chosen) => slotRadios(times, await slotsOf(day.value, booking.counter_id), "move-start", chosen);
  day.addEventListener("change", () => load());
  takeInMoveForm = async (slot) => {
    day.value = slot.date;
    await load(slot.start);
    times.focus();
  };
  const moveForm = h(
    "form",
    { novalidate: true, on: { submit: (event) => moveBooking(event, booking, token) } },
    h("div", { class: "form-group" }, h("label", { class: "label label--s", for: "move-date" }, t("visit.date_label")), day),
    h("div", { class: "form-group" }, h("fieldset", { class: "fieldset" }, h("legend", { class: "fieldset__legend" }, t("visit.start_label")), times)),
    h("button", { class: "button", type: "submit", id: "move-submit" }, t("visit.reschedule_submit")),
  );
  fill(area, moveForm);
  await load(booking.start);
  day.focus();
}

async function moveBooking(event, booking, token) {
  event.preventDefault();
  const start = event.currentTarget.elements["move-start"]?.value;
  if (!start) return errors.show([{ id: "move-start", text: () => t("visit.err_start"), inline: false }]);
  errors.clear();
  try {
    const moved = await apiPost(`/bookings/${encodeURIComponent(booking.id)}/move`, { date: $("move-date").value, start }, { headers: auth(token) });
    showTicket(moved, token);
    result.prepend(banner(t("visit.moved")));
  } catch (error) {
    refusal(error, null, takeInMoveForm);
  }
}

async function cancelBooking(booking, token) {
  try {
    await apiFetch(`/bookings/${encodeURIComponent(booking.id)}`, { method: "DELETE", headers: auth(token) });
    await showBooking(booking.id, token);
    result.prepend(banner(t("visit.cancelled")));
  } catch (error) {
    showError(result, error);
  }
}

function banner(text) {
  return h(
    "div",
    { class: "notification-banner notification-banner--success", role: "status" },
    h("div", { class: "notification-banner__header" }, t("visit.done")),
    h("div", { class: "notification-banner__content" }, h("p", {}, text)),
  );
}

function auth(token) {
  return { Authorization: `Bearer ${token}` };
}

async function showBooking(id, token) {
  showLoading(result);
  try {
    showTicket(await apiGet(`/bookings/${encodeURIComponent(id)}`, {}, { headers: auth(token) }), token);
  } catch (error) {
    showError(result, error, { retry: () => showBooking(id, token) });
  } finally {
    doneLoading(result);
  }
}

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("id") && params.get("token")) {
    form.hidden = true;
    showBooking(params.get("id"), params.get("token"));
    return true;
  }
  return false;
}

// ---------- Wiring ----------

healthQuestions();
onLangChange(() => {
  healthQuestions();
  if (site) useSite(site);
});
for (const id of ["kind", "city", "district", "village"]) $(id).addEventListener("change", () => choosePlace().catch((e) => showError(result, e)));
$("counter").addEventListener("change", () => loadSlots());
$("date").addEventListener("change", () => loadSlots());
form.addEventListener("submit", submitBooking);
$("mine-form").addEventListener("submit", (event) => {
  event.preventDefault();
  location.hash = `id=${encodeURIComponent($("mine-id").value.trim())}&token=${encodeURIComponent($("mine-token").value.trim())}`;
});
window.addEventListener("hashchange", route);
if (!route()) choosePlace().catch((error) => showError(result, error, { retry: () => choosePlace() }));
