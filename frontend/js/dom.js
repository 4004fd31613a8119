// Small DOM helpers shared by the pages: build elements without innerHTML (API text is never
// parsed as markup), and the loading and error states every page shows the same way.

import { ApiError, describeError } from "./api.js";
import { t } from "./i18n.js";

/**
 * Create an element: h("a", {href: "x", class: "link"}, "text", child).
 * Attributes set to null/false are left out; `dataset` and `on` ({click: fn}) are objects.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "on") for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return el;
}

/** Show a loading message in `container` and mark it busy for assistive technology. */
export function showLoading(container) {
  container.setAttribute("aria-busy", "true");
  container.replaceChildren(h("p", { class: "loading", role: "status" }, t("state.loading")));
}

/** Clear the busy mark set by showLoading. */
export function doneLoading(container) {
  container.removeAttribute("aria-busy");
}

/**
 * Replace `container`'s content with an error panel for `error`: what went wrong in the citizen's
 * language, the API's own message when it sent one, and a "try again" button when `retry` is given.
 */
export function showError(container, error, { retry, title } = {}) {
  doneLoading(container);
  const serverMessage =
    error instanceof ApiError && error.message && !["network", "timeout", "bad_response"].includes(error.code)
      ? error.message
      : null;
  const panel = h(
    "div",
    { class: "error-panel", role: "alert", tabindex: "-1" },
    h("h2", { class: "error-panel__title" }, title || t("error.title")),
    h("p", {}, describeError(error)),
    serverMessage && serverMessage !== describeError(error) ? h("p", { class: "hint" }, serverMessage) : null,
    error instanceof ApiError && error.status
      ? h("p", { class: "hint" }, `${t("error.code")}: `, h("code", {}, `${error.status} ${error.code}`))
      : null,
    retry
      ? h("button", { type: "button", class: "button button--secondary", on: { click: retry } }, t("state.retry"))
      : null,
  );
  container.replaceChildren(panel);
  return panel;
}
