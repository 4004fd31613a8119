// A draft of an application, kept in this tab (sessionStorage) so a reload loses nothing typed or uploaded.
// Its shape is the submission's own ({service_id, applicant, fields, documents, declaration}) plus what the page
// shows of each upload (file name and size) and when it was saved, so the same record can later be kept by the
// API (the roadmap's save-and-resume drafts) and this module read it from there instead.

const KEY = "satu-pintu.apply.draft";
const RECEIPT_PREFIX = "satu-pintu.apply.receipt.";
const COVER_PREFIX = "satu-pintu.cover.";
export const DRAFT_VERSION = 1;

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage turned off: the page still works, it only forgets on reload
  }
}

/** Return the saved draft, or null (none, unreadable, or of another version). */
export function loadDraft() {
  try {
    const draft = JSON.parse(storage()?.getItem(KEY) || "null");
    return draft && draft.version === DRAFT_VERSION && draft.service_id ? draft : null;
  } catch {
    return null;
  }
}

/** Keep `draft` (the submission's shape) in this tab. */
export function saveDraft(draft, now = new Date()) {
  try {
    storage()?.setItem(KEY, JSON.stringify({ ...draft, version: DRAFT_VERSION, saved_at: now.toISOString() }));
  } catch {
    // Full or refused: a draft is a convenience, never a reason to stop the citizen.
  }
}

/** Forget the draft (sent, or the citizen started over). */
export function clearDraft() {
  storage()?.removeItem(KEY);
}

/** Keep what the confirmation shows beside its address (the e-mail, the warnings), for a reload of it. */
export function saveReceiptFacts(id, facts) {
  try {
    storage()?.setItem(RECEIPT_PREFIX + id, JSON.stringify(facts));
  } catch {
    // Without it the confirmation still shows the number and the link.
  }
}

/** Return what was kept beside a confirmation, or {}. */
export function loadReceiptFacts(id) {
  try {
    return JSON.parse(storage()?.getItem(RECEIPT_PREFIX + id) || "{}") || {};
  } catch {
    return {};
  }
}

/** Keep a paper draft's cover sheet (`{reference, qr_svg, expires_at, service_id, channel, ...}`) for its page. */
export function saveCoverSheet(cover) {
  try {
    storage()?.setItem(COVER_PREFIX + cover.reference, JSON.stringify(cover));
  } catch {
    // Without it the cover sheet page says it cannot be shown again, and the reference is still on screen.
  }
}

/** Return the cover sheet kept for a reference, or null. */
export function loadCoverSheet(reference) {
  try {
    return JSON.parse(storage()?.getItem(COVER_PREFIX + reference) || "null");
  } catch {
    return null;
  }
}
