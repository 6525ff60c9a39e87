// Draw every network on the page with Cytoscape.js from its JSON <script type="application/json">,
// and every one HTMX adds to it later.
// CSP forbids inline script and style: the data arrives in a JSON element named by the container's
// data-network-source, and Cytoscape draws on a canvas. Every node opens its entity page.
const COLOURS = {
  person: "#1d70b8",
  phone: "#00703c",
  vehicle: "#f47738",
  address: "#4c2c92",
  account: "#505a5f",
  company: "#505a5f",
};
const SHAPES = { person: "ellipse", phone: "round-rectangle", vehicle: "diamond", address: "triangle" };

// Cytoscape injects a <style> element (which our CSP blocks) unless one with this id exists; its one
// rule (position: relative on the container) is set through the CSSOM instead, which CSP allows.
const MARKER = "__________cytoscape_stylesheet";
if (!document.getElementById(MARKER)) {
  const marker = document.createElement("meta");
  marker.id = MARKER;
  document.head.append(marker);
}

function draw(el) {
  const source = document.getElementById(el.dataset.networkSource);
  if (!source || !window.cytoscape || el.dataset.drawn) return;
  el.style.position = "relative";
  el.style.height = "34rem";
  el.style.border = "1px solid #b1b4b6";
  // A JSON script, or (in what HTMX adds, which may hold no script) an element's data-json.
  const data = JSON.parse(source.dataset.json ?? source.textContent);
  const cy = window.cytoscape({
    container: el,
    elements: { nodes: data.nodes, edges: data.edges },
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 9,
          "text-valign": "bottom",
          "text-margin-y": 3,
          width: 16,
          height: 16,
          "background-color": (n) => COLOURS[n.data("kind")] || "#505a5f",
          shape: (n) => SHAPES[n.data("kind")] || "rectangle",
        },
      },
      { selector: "node[?offender]", style: { "background-color": "#d4351c" } },
      { selector: "node[role = 'principal']", style: { width: 28, height: 28, "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "node[role = 'lieutenant']", style: { width: 22, height: 22 } },
      { selector: `node[id = "${data.centre || ""}"]`, style: { "border-width": 4, "border-color": "#ffdd00" } },
      {
        selector: "edge",
        style: {
          width: (e) => Math.max(1, Math.min(6, 1 + 2 * (e.data("weight") || 0))),
          "line-color": "#b1b4b6",
          "curve-style": "bezier",
          label: "data(type)",
          "font-size": 7,
          color: "#505a5f",
          "text-rotation": "autorotate",
        },
      },
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 6000, idealEdgeLength: () => 60 },
  });
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.assign(href);
  });
  el.dataset.drawn = String(cy.nodes().length);
}

function drawAll(root) {
  if (root.matches && root.matches("[data-network-source]")) draw(root);
  for (const el of root.querySelectorAll("[data-network-source]")) draw(el);
}

drawAll(document);
// A group's page loads its network after itself (HTMX): draw it when it arrives.
document.addEventListener("htmx:load", (event) => drawAll(event.detail.elt));
