// How the catalogue's facts are written for people: money, durations, file limits. A missing fact
// (null) is never shown as zero or free — it is "set by the officer" or "not published".

import { formatNumber, intl, locale, pick, t, tn } from "./i18n.js";

/** Write an amount in rupiah: "Rp 1.500.000" (Indonesian) or "Rp 1,500,000" (English). */
export function rupiah(amount) {
  return `Rp ${formatNumber(amount, { maximumFractionDigits: 0 })}`;
}

/** Say what a service costs: the amount, "Gratis" for 0, else its note or "Ditetapkan petugas". */
export function feeText(service) {
  if (service.fee_idr === 0) return t("common.free");
  if (typeof service.fee_idr === "number") return rupiah(service.fee_idr);
  return pick(service, "fee_note") || t("common.set_by_officer");
}

/** Say what a service costs in a few words, for lists: the amount, "Gratis" or "Ditetapkan petugas". */
export function feeShort(service) {
  if (service.fee_idr === 0) return t("common.free");
  if (typeof service.fee_idr === "number") return rupiah(service.fee_idr);
  return t("common.set_by_officer");
}

/** Say how long a service takes: "14 hari kerja", else its note or "Ditetapkan petugas". */
export function slaText(service) {
  if (typeof service.sla_days === "number") return tn("common.working_days", service.sla_days);
  return pick(service, "sla_note") || t("common.set_by_officer");
}

/** Say how long the issued document stays valid, from the text or the number of months. */
export function validityText(service) {
  const text = pick(service, "validity");
  if (text) return text;
  const months = service.validity_months;
  if (typeof months === "number" && months > 0) {
    return months % 12 === 0 ? tn("common.years", months / 12) : tn("common.months", months);
  }
  return t("common.not_published");
}

const TYPE_NAMES = {
  "application/pdf": "PDF",
  "image/jpeg": "JPG",
  "image/png": "PNG",
  "image/webp": "WEBP",
  "image/heic": "HEIC",
  "application/zip": "ZIP",
};

/** Name accepted file types the way people know them: "application/pdf" → "PDF". */
export function fileTypeNames(types = []) {
  const names = types.map((type) => TYPE_NAMES[type] || type.split("/").pop().replace(/^\./, "").toUpperCase());
  return [...new Set(names)];
}

/** Write a size in bytes as "2 MB", "1,5 MB" or "500 KB". */
export function fileSize(bytes) {
  // Limits are set either as 2 × 1024² or as 2 000 000 bytes; both should read "2 MB".
  const mega = bytes % 1e6 === 0 ? 1e6 : 1024 * 1024;
  const kilo = mega === 1e6 ? 1e3 : 1024;
  if (bytes >= mega) return `${formatNumber(bytes / mega, { maximumFractionDigits: 1 })} MB`;
  return `${formatNumber(Math.max(1, Math.round(bytes / kilo)))} KB`;
}

/** Join a list the way the language does: "PDF, JPG atau PNG" / "PDF, JPG or PNG". */
export function joinOr(items) {
  return intl("ListFormat", locale(), { type: "disjunction" }).format(items);
}
