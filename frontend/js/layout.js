// The shared page frame, written once: skip link, header (name, language switch, navigation) and
// footer. A page only needs <header id="site-header"></header>, <main id="main-content"> and
// <footer id="site-footer"></footer>, and loads this module.

import { h } from "./dom.js";
import { applyTranslations, currentLang, onLangChange, otherLang, setLang, t } from "./i18n.js";

// Every page of the site that exists, in menu order. Nothing links to a page until it is listed here: a new
// page is one line (`nav` puts it in the main menu, `footer` under "Bantuan"), and the links other pages keep
// for it (marked data-needs-page="visit.html", or drawn with pageExists) appear with it.
export const PAGES = [
  { href: "index.html", nav: "nav.home" },
  { href: "apply.html", nav: "nav.apply" },
  { href: "track.html", nav: "nav.track" },
  { href: "visit.html", nav: "nav.visit" },
  { href: "stats.html", nav: "nav.stats" },
  { href: "consult.html", nav: "nav.consult", footer: "footer.consult" },
  { href: "service.html" },
  { href: "board.html" },
  { href: "verify.html", footer: "footer.verify" },
  { href: "privacy.html", footer: "footer.privacy" },
  { href: "cover.html" },
];

/** Say whether a page of the site exists (is listed in PAGES), so a link to it may be drawn. */
export function pageExists(href) {
  return PAGES.some((page) => page.href === href);
}

// The site's root, wherever this page sits: the 404 page answers any path, so its links cannot be relative.
const SITE_ROOT = new URL("../", import.meta.url);

/** Return a link to a page of the site that works from any address (the 404 page's included). */
export function siteHref(href) {
  const url = new URL(href, SITE_ROOT);
  return url.origin === location.origin ? url.pathname + url.search + url.hash : url.href;
}

// The office behind the service, as its own site and letters give it.
export const OFFICE = {
  phone: "1500164",
  email: "dpmptsp@jakarta.go.id",
};

const AREA_DATA_URL = "https://github.com/fityannugroho/idn-area-data";
const ODBL_URL = "https://opendatacommons.org/licenses/odbl/1-0/";

function currentPage() {
  return location.pathname.split("/").pop() || "index.html";
}

// A door, drawn small enough to stay inline: the product's mark.
function logo() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 32 32");
  svg.setAttribute("width", "32");
  svg.setAttribute("height", "32");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "site-header__logo");
  for (const [tag, attrs] of [
    ["rect", { x: "4", y: "2", width: "24", height: "28", rx: "2", fill: "#ffffff" }],
    ["rect", { x: "8", y: "6", width: "16", height: "24", fill: "#f08a24" }],
    ["circle", { cx: "20", cy: "18", r: "1.8", fill: "#0b0c0c" }],
  ]) {
    const shape = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attrs)) shape.setAttribute(name, value);
    svg.append(shape);
  }
  return svg;
}

function switchHref(lang) {
  const url = new URL(location.href);
  url.searchParams.set("lang", lang);
  return url.pathname.split("/").pop() + url.search + url.hash;
}

function updateLangSwitch(link) {
  const target = otherLang(currentLang());
  link.lang = target;
  link.hreflang = target;
  link.href = switchHref(target);
  link.textContent = t("lang.switch");
}

function renderHeader(header) {
  const page = currentPage();
  const langSwitch = h("a", { class: "lang-switch", id: "lang-switch" });
  updateLangSwitch(langSwitch);
  langSwitch.addEventListener("click", (event) => {
    event.preventDefault();
    setLang(otherLang(currentLang()));
  });
  onLangChange(() => updateLangSwitch(langSwitch));

  const menuToggle = h(
    "button",
    {
      type: "button",
      class: "site-header__menu-toggle",
      "aria-controls": "site-nav",
      "aria-expanded": "false",
      "data-i18n": "nav.menu",
    },
    t("nav.menu"),
  );
  const nav = h(
    "nav",
    { id: "site-nav", class: "site-nav", "data-i18n-attr": "aria-label:nav.label", "aria-label": t("nav.label") },
    h(
      "ul",
      { class: "site-nav__list" },
      PAGES.filter((item) => item.nav).map((item) =>
        h(
          "li",
          { class: "site-nav__item" },
          h(
            "a",
            {
              class: "site-nav__link",
              href: siteHref(item.href),
              "aria-current": item.href === page ? "page" : null,
              "data-i18n": item.nav,
            },
            t(item.nav),
          ),
        ),
      ),
    ),
  );
  menuToggle.addEventListener("click", () => {
    const open = menuToggle.getAttribute("aria-expanded") !== "true";
    menuToggle.setAttribute("aria-expanded", String(open));
    header.classList.toggle("site-header--nav-open", open);
  });

  header.classList.add("site-header");
  header.replaceChildren(
    h(
      "div",
      { class: "site-header__bar width-container" },
      h(
        "a",
        { class: "site-header__brand", href: siteHref("index.html") },
        logo(),
        h(
          "span",
          { class: "site-header__names" },
          h("span", { class: "site-header__name", "data-i18n": "site.name" }, t("site.name")),
          h("span", { class: "site-header__tagline", "data-i18n": "site.tagline" }, t("site.tagline")),
        ),
      ),
      h("div", { class: "site-header__tools" }, langSwitch, menuToggle),
    ),
    h("div", { class: "site-header__nav width-container" }, nav),
  );
}

function renderFooter(footer) {
  const section = (titleKey, ...content) =>
    h(
      "section",
      { class: "site-footer__section" },
      h("h2", { class: "site-footer__heading", "data-i18n": titleKey }, t(titleKey)),
      ...content,
    );
  const para = (key) => h("p", { "data-i18n": key }, t(key));
  footer.classList.add("site-footer");
  footer.replaceChildren(
    h(
      "div",
      { class: "width-container" },
      h(
        "div",
        { class: "site-footer__grid" },
        section("footer.hours_title", para("footer.hours"), para("footer.hours_online")),
        section(
          "footer.office_title",
          para("footer.office"),
          h("p", { class: "site-footer__address" }, h("span", { "data-i18n": "footer.address" }, t("footer.address"))),
        ),
        section(
          "footer.contact_title",
          h(
            "p",
            {},
            h("span", { "data-i18n": "footer.call_centre" }, t("footer.call_centre")),
            " ",
            h("a", { href: `tel:${OFFICE.phone}`, id: "footer-phone" }, OFFICE.phone),
            h("br"),
            h("span", { "data-i18n": "footer.call_hours" }, t("footer.call_hours")),
          ),
          h(
            "p",
            {},
            h("span", { "data-i18n": "footer.email" }, t("footer.email")),
            " ",
            h("a", { href: `mailto:${OFFICE.email}`, id: "footer-email" }, OFFICE.email),
          ),
        ),
        section(
          "footer.help_title",
          h(
            "ul",
            { class: "site-footer__links" },
            PAGES.filter((item) => item.footer).map((item) =>
              h("li", {}, h("a", { href: siteHref(item.href), "data-i18n": item.footer }, t(item.footer))),
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "site-footer__meta" },
        // The area data's licence (ODbL) asks for this attribution wherever the data is used.
        h(
          "p",
          { class: "site-footer__attribution" },
          h("span", { "data-i18n": "footer.data_label" }, t("footer.data_label")),
          ": ",
          h("a", { href: AREA_DATA_URL, lang: "en" }, "idn-area-data"),
          ", ",
          h("a", { href: ODBL_URL, lang: "en", title: "Open Database License" }, "ODbL"),
        ),
        para("footer.license"),
      ),
    ),
  );
}

function renderSkipLink() {
  const main = document.getElementById("main-content");
  if (!main || document.querySelector(".skip-link")) return;
  const link = h("a", { class: "skip-link", href: "#main-content", "data-i18n": "skip.main" }, t("skip.main"));
  // Focus the main region itself so the next Tab continues from there, not from the top.
  link.addEventListener("click", () => main.focus());
  if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
  document.body.prepend(link);
}

// Links a page keeps for a page still to come: shown once that page is listed, else taken out.
function linkOnlyWhatExists() {
  for (const el of document.querySelectorAll("[data-needs-page]")) {
    if (pageExists(el.dataset.needsPage)) el.hidden = false;
    else el.remove();
  }
}

/** Fill the page frame and translate the page's static text into the current language. */
export function renderLayout() {
  const header = document.getElementById("site-header");
  const footer = document.getElementById("site-footer");
  linkOnlyWhatExists();
  renderSkipLink();
  if (header) renderHeader(header);
  if (footer) renderFooter(footer);
  applyTranslations();
}

renderLayout();
