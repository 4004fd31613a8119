// The form habits every page shares (GOV.UK Design System): an error summary at the top of <main>
// (role="alert", focused, a link to each field), an inline message above each field with a visually
// hidden "Galat:", the page title prefixed "Galat: ", and nothing the citizen typed ever cleared.
// Messages are functions, so a language switch redraws them in the new language.

import { h } from "./dom.js";
import { currentLang, onLangChange, t } from "./i18n.js";

const TITLE_PREFIXES = ["Galat: ", "Error: "];
const CONTROL_CLASSES = ["input", "textarea", "select", "file-upload"];

// Text drawn from API data (a service's name, a requirement's label) that must follow the language.
const liveTexts = new Set();
onLangChange(() => {
  for (const entry of liveTexts) {
    if (entry.node.isConnected) entry.update();
    else if (entry.attached) liveTexts.delete(entry); // gone for good: the page replaced it
  }
});

function track(node, update) {
  const entry = { node, update, attached: false };
  // A node is "attached" once it has been on the page; until then it may still be waiting to be placed.
  queueMicrotask(() => (entry.attached = true));
  liveTexts.add(entry);
}

/** Return a text node that rewrites itself when the language changes: liveText(() => pick(s, "name")). */
export function liveText(fn) {
  const node = document.createTextNode(fn());
  track(node, () => (node.textContent = fn()));
  return node;
}

/** Set an attribute now and again whenever the language changes. */
export function liveAttr(el, name, fn) {
  el.setAttribute(name, fn());
  track(el, () => el.setAttribute(name, fn()));
  return el;
}

/** Replace `el`'s children with `children`, flattening lists and leaving out null and false. */
export function fill(el, ...children) {
  const kept = children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false);
  el.replaceChildren(...kept);
  return el;
}

/** Return document.title without an error prefix. */
export function bareTitle() {
  const title = document.title;
  const prefix = TITLE_PREFIXES.find((p) => title.startsWith(p));
  return prefix ? title.slice(prefix.length) : title;
}

/** Set document.title, prefixed "Galat: " / "Error: " when `failed`. */
export function setTitle(title, failed = false) {
  document.title = failed ? `${t("error.prefix")}: ${title}` : title;
}

/** Return a fresh Idempotency-Key: one per attempt at a submission, reused only to retry that attempt. */
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Older browsers: the same 122 random bits, written as a version-4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Move focus to the field a link points at (`#field-id`), showing its label or legend above it. */
export function focusField(event) {
  const field = document.getElementById(event.currentTarget.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  const group = field.closest(".form-group");
  const heading = group?.querySelector("legend, label") || field;
  heading.scrollIntoView();
  field.focus({ preventScroll: true });
}

/**
 * The errors of one form. `show([{id, text}])` draws the summary (and focuses it), an inline message on
 * each field whose id is given (`inline: false` leaves a field unmarked), and prefixes the title;
 * `clear()` takes it all away. `text` is a function returning the message in the current language.
 */
export class FormErrors {
  constructor({ main = document.getElementById("main-content") } = {}) {
    this.main = main;
    this.errors = [];
    this.summary = null;
    this.marked = [];
    onLangChange(() => {
      if (this.errors.length) this.render(false);
    });
  }

  get count() {
    return this.errors.length;
  }

  show(errors, { focus = true } = {}) {
    this.errors = errors;
    this.render(focus);
  }

  /** Drop the errors of a field that has been put right (an upload that has now arrived). */
  resolve(id) {
    if (!this.errors.some((error) => error.id === id)) return;
    const rest = this.errors.filter((error) => error.id !== id);
    if (rest.length) this.show(rest, { focus: false });
    else this.clear();
  }

  clear() {
    this.errors = [];
    this.unmark();
    this.summary?.remove();
    this.summary = null;
    setTitle(bareTitle());
  }

  render(focus) {
    this.unmark();
    const items = this.errors.map((error) =>
      h(
        "li",
        {},
        error.id ? h("a", { href: `#${error.id}`, on: { click: focusField } }, error.text()) : error.text(),
      ),
    );
    const summary = h(
      "div",
      { class: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": "error-summary-title" },
      h("h2", { class: "error-summary__title", id: "error-summary-title" }, t("error.title")),
      h("ul", { class: "error-summary__list" }, items),
    );
    if (this.summary) this.summary.replaceWith(summary);
    else this.main.prepend(summary);
    this.summary = summary;
    const seen = new Set();
    for (const error of this.errors) {
      if (!error.id || error.inline === false || seen.has(error.id)) continue;
      seen.add(error.id);
      this.mark(error.id, error.text());
    }
    setTitle(bareTitle(), true);
    if (focus) summary.focus();
  }

  mark(id, text) {
    const control = document.getElementById(id);
    const group = control?.closest(".form-group");
    if (!control || !group) return;
    const message = h(
      "p",
      { class: "error-message", id: `${id}-error` },
      h("span", { class: "visually-hidden" }, `${t("error.prefix")}: `),
      text,
    );
    // A fieldset's message sits under its legend; a single control's sits right above it.
    const fieldset = control.closest("fieldset");
    const anchor = fieldset && group.contains(fieldset) ? fieldset.querySelector(".radios, .checkboxes") : control;
    (anchor || control).before(message);
    group.classList.add("form-group--error");
    const described = control.getAttribute("aria-describedby") || "";
    control.setAttribute("aria-describedby", `${described} ${message.id}`.trim());
    const errorClass = CONTROL_CLASSES.find((c) => control.classList.contains(c));
    if (errorClass) control.classList.add(`${errorClass}--error`);
    this.marked.push({ control, group, message, described, errorClass });
  }

  unmark() {
    for (const { control, group, message, described, errorClass } of this.marked) {
      message.remove();
      group.classList.remove("form-group--error");
      if (described) control.setAttribute("aria-describedby", described);
      else control.removeAttribute("aria-describedby");
      if (errorClass) control.classList.remove(`${errorClass}--error`);
    }
    this.marked = [];
  }
}

/** Show a busy submit button ("Mengirim…") until `done()` is called; clicks meanwhile are ignored. */
export function busyButton(button, busyText) {
  const label = button.textContent;
  button.setAttribute("aria-disabled", "true");
  button.dataset.busy = "true";
  button.textContent = busyText;
  return function done() {
    button.removeAttribute("aria-disabled");
    delete button.dataset.busy;
    button.textContent = label;
  };
}

/** Say whether `text` looks like an e-mail address (the server has the last word). */
export function looksLikeEmail(text) {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
}

/** Pick a server message in the current language from an object with `message` (Indonesian) and `message_en`. */
export function serverText(obj, lang) {
  if (!obj) return "";
  return (lang === "en" ? obj.message_en : obj.message) || obj.message || obj.message_en || "";
}

/**
 * Turn an API error (a 422's `details`, each `{field, code, message, message_en}`) into FormErrors entries,
 * in the server's own words in the current language. `fieldIds` says where each API field is on the page:
 * a map or a function from the field's name ("applicant.nik", "documents[1].upload_id") to an input id, or
 * to `{id, text}` to word it differently; a field it does not place goes into the summary only. `onDetail`
 * is told of each detail with the entry made for it (a page marks a refused upload there).
 */
export function serverErrors(error, { fieldIds = {}, onDetail = null } = {}) {
  const place = typeof fieldIds === "function" ? fieldIds : (field) => fieldIds[field] ?? null;
  const items = [];
  for (const detail of Array.isArray(error?.details) ? error.details : []) {
    const field = String(detail.field || "");
    const own = detail.message || detail.message_en ? () => serverText(detail, currentLang()) : null;
    const placed = place(field, detail);
    const entry =
      placed && typeof placed === "object"
        ? { id: placed.id ?? null, text: own || placed.text || (() => t("error.bad_request")) }
        : { id: placed || null, text: own || (() => t("error.bad_request")) };
    onDetail?.(detail, entry);
    items.push(entry);
  }
  if (!items.length) {
    const own = (currentLang() === "en" ? error?.messageEn : error?.message) || null;
    items.push({ id: null, text: () => own || t("error.bad_request") });
  }
  return items;
}
