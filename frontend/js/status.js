// An application's statuses as people say them, the coloured tag that shows one, and dates written
// the way the office keeps them: Jakarta time (WIB), in the reader's language.

import { h } from "./dom.js";
import { addMessages, intl, locale, t } from "./i18n.js";

addMessages({
  id: {
    "status.SUBMITTED": "Diajukan",
    "status.IN_REVIEW": "Sedang diperiksa",
    "status.SURVEY_SCHEDULED": "Peninjauan lapangan dijadwalkan",
    "status.SURVEYED": "Lapangan sudah ditinjau",
    "status.APPROVED": "Disetujui",
    "status.ISSUED": "Terbit",
    "status.REJECTED": "Ditolak",
    "status.RETURNED": "Dikembalikan",
  },
  en: {
    "status.SUBMITTED": "Submitted",
    "status.IN_REVIEW": "In review",
    "status.SURVEY_SCHEDULED": "Field survey scheduled",
    "status.SURVEYED": "Field survey done",
    "status.APPROVED": "Approved",
    "status.ISSUED": "Issued",
    "status.REJECTED": "Rejected",
    "status.RETURNED": "Returned",
  },
});

const JAKARTA = "Asia/Jakarta";

/** Name a status in the current language ("RETURNED" → "Dikembalikan"). */
export function statusName(status) {
  const key = `status.${status}`;
  const name = t(key);
  return name === key ? status : name;
}

/** Return the coloured tag of a status: <strong class="tag" data-status="…">. */
export function statusTag(status, attrs = {}) {
  return h("strong", { class: "tag", dataset: { status }, ...attrs }, statusName(status));
}

/** Write an instant as a Jakarta date and time: "5 November 2026 09.30 WIB". */
export function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = intl("DateTimeFormat", locale(), { dateStyle: "long", timeStyle: "short", timeZone: JAKARTA }).format(
    date,
  );
  return `${text} WIB`;
}

/** Write a calendar date ("2027-11-05") as "5 November 2027". */
export function formatDate(isoDate) {
  const [year, month, day] = String(isoDate).slice(0, 10).split("-").map(Number);
  if (!year || !month || !day) return isoDate;
  return intl("DateTimeFormat", locale(), { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** Return today's date in Jakarta as YYYY-MM-DD, `offsetDays` away. */
export function jakartaDate(offsetDays = 0) {
  const when = new Date(Date.now() + offsetDays * 86400000);
  const parts = { timeZone: JAKARTA, year: "numeric", month: "2-digit", day: "2-digit" };
  // Canada writes dates as YYYY-MM-DD, the form the API takes.
  return intl("DateTimeFormat", "en-CA", parts).format(when);
}
