// Draw every Vega-Lite chart on the page from its data-vega-spec attribute.
// CSP forbids eval, so expressions run through Vega's interpreter (ast: true), with no actions menu
// and no injected styles. Each chart has a table alternative in the page itself.
for (const el of document.querySelectorAll("[data-vega-spec]")) {
  const spec = JSON.parse(el.dataset.vegaSpec);
  window
    .vegaEmbed(el, spec, {
      ast: true,
      actions: false,
      defaultStyle: false,
      tooltip: false,
      renderer: "svg",
    })
    .catch((error) => {
      el.textContent = "The chart could not be drawn; the table below has the same figures.";
      console.error(error);
    });
}
