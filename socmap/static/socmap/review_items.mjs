// The review queue swaps the next decision into the page (HTMX) after each one: draw its chart
// (charts.mjs draws those of the page as first loaded), and move focus to its heading so a
// keyboard or screen reader user starts on the new decision.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const item = document.getElementById("review-item");
  if (!item || !(event.target instanceof Element) || !event.target.contains(item)) return;
  for (const el of item.querySelectorAll("[data-vega-spec]")) {
    const name = el.getAttribute("aria-label");
    window
      .vegaEmbed(el, JSON.parse(el.dataset.vegaSpec), {
        ast: true,
        actions: false,
        defaultStyle: false,
        tooltip: false,
        renderer: "svg",
      })
      .then(() => {
        for (const svg of el.querySelectorAll("svg")) svg.setAttribute("aria-hidden", "true");
        el.setAttribute("role", "img");
        if (name) el.setAttribute("aria-label", name);
      })
      .catch((error) => {
        el.textContent = "The chart could not be drawn; the table below has the same figures.";
        console.error(error);
      });
  }
  const heading = item.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
