// Draw every Vega-Lite chart on the page from its data-vega-spec attribute.
// CSP forbids eval, so expressions run through Vega's interpreter (ast: true), with no actions menu
// and no injected styles. Each chart has a table alternative in the page itself.
// Exported for content swapped in later (the review queue's next decision).
export function drawCharts(root = document) {
  for (const el of root.querySelectorAll("[data-vega-spec]")) drawChart(el);
}

function drawChart(el) {
  const spec = JSON.parse(el.dataset.vegaSpec);
  // Vega names the box it draws into itself (role "graphics-document", "Vega visualization"):
  // keep the page's own name for the chart and put it back once drawn.
  const name = el.getAttribute("aria-label");
  window
    .vegaEmbed(el, spec, {
      ast: true,
      actions: false,
      defaultStyle: false,
      tooltip: false,
      renderer: "svg",
    })
    .then(() => {
      // The box is the chart (role="img" with a name saying what it shows and where its table
      // is); the drawing inside is hidden from assistive technology, so the chart is never
      // announced by Vega's own name for it ("Vega visualization").
      for (const svg of el.querySelectorAll("svg")) svg.setAttribute("aria-hidden", "true");
      el.setAttribute("role", "img");
      if (name) el.setAttribute("aria-label", name);
    })
    .catch((error) => {
      el.textContent = "The chart could not be drawn; the table below has the same figures.";
      console.error(error);
    });
}

drawCharts();
