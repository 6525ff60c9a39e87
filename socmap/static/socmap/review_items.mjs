// The review queue swaps the next decision into the page (HTMX) after each one: draw its chart
// (charts.mjs draws those of the page as first loaded), and move focus to its heading so a
// keyboard or screen reader user starts on the new decision.
import { drawCharts } from "./charts.mjs";

document.body.addEventListener("htmx:afterSettle", (event) => {
  const item = document.getElementById("review-item");
  if (!item || !(event.target instanceof Element) || !event.target.contains(item)) return;
  drawCharts(item);
  const heading = item.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
