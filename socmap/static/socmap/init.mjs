// socmap front-end initialisation (ES module; our Content Security Policy
// allows no inline script, so this replaces GOV.UK's inline snippet).
//
// GOV.UK Frontend 5 and MoJ Frontend 8 both ship self-contained ES module
// builds (vendor/govuk/govuk-frontend.min.js, vendor/moj/moj-frontend.min.js)
// that export initAll, so both are imported here. MoJ is NOT loaded as a
// classic script and window.MOJFrontend is not used. The only tag a page
// needs for this file is:
//
//   <script type="module" src="{% static 'socmap/init.mjs' %}"></script>
//
// (htmx, cytoscape and vega are classic scripts, loaded with their own
// <script src> tags before this one if the page needs them.)

import { initAll as initGovuk } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj/moj-frontend.min.js";

// GOV.UK Frontend 5 styles and scripts only act when <body> has this class.
// Browsers that run ES modules are exactly the ones GOV.UK Frontend 5
// supports, so setting it from a module matches GOV.UK's own inline check.
// MoJ Frontend's styles still look for the older "js-enabled" class.
document.body.classList.add("govuk-frontend-supported", "js-enabled");

// Components are marked as initialised, so running init again over a scope
// that contains old components only raises InitError for those: ignore it.
function onError(error, context) {
  if (error && error.name === "InitError") return;
  console.error(error, context);
}

function initScope(scope) {
  initGovuk({ scope, onError });
  initMoj({ scope, onError });
}

initScope(document);

// Content swapped in by HTMX: htmx:afterSwap fires on each swapped-in
// element (innerHTML: the target; outerHTML: the new elements) and bubbles.
// Components are found with scope.querySelectorAll, which does not match the
// scope itself, so when the swapped element is itself a component use its
// parent as the scope.
document.addEventListener("htmx:afterSwap", (event) => {
  const element = event.target;
  if (!(element instanceof Element) || !element.isConnected) return;
  const scope = element.hasAttribute("data-module") && element.parentElement
    ? element.parentElement
    : element;
  initScope(scope);
});

// A table wider than its box scrolls inside it (.socmap-scroll). A box that scrolls is made a named,
// focusable region, so that keyboard users can scroll it too (WCAG 2.1.1); one that fits is left
// alone, adding no tab stop. Checked again when the window changes size.
function scrollBoxName(box) {
  const caption = box.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent;
  // Else the nearest heading before the table.
  for (let el = box.previousElementSibling; el; el = el.previousElementSibling) {
    const heading = el.matches("h1, h2, h3, h4") ? el : el.querySelector("h1, h2, h3, h4");
    if (heading && heading.textContent.trim()) return heading.textContent;
  }
  return "Table";
}

function markScrollBoxes(scope) {
  const names = new Map();
  for (const box of scope.querySelectorAll(".socmap-scroll")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      let name = scrollBoxName(box).trim().replace(/\s+/g, " ");
      // Landmarks need names of their own: number the repeats.
      const seen = (names.get(name) || 0) + 1;
      names.set(name, seen);
      if (seen > 1) name = `${name} (${seen})`;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${name}, scrolls sideways`);
      box.dataset.socmapScrolls = "";
    } else if (!scrolls && box.hasAttribute("data-socmap-scrolls")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.socmapScrolls;
    }
  }
}

markScrollBoxes(document);
let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => markScrollBoxes(document), 150);
});
document.addEventListener("htmx:afterSwap", () => markScrollBoxes(document));
