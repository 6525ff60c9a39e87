// Build socmap's front-end files from the npm packages in node_modules/.
//
//   npm ci && npm run build
//
// Output (committed, so running the app never needs npm or the network):
//   socmap/static/socmap/socmap.css   compiled from frontend/socmap.scss
//   socmap/static/vendor/...          built files copied from the packages
//   socmap/static/vendor/VERSIONS.txt package@version of everything vendored
//
// Only minified browser builds and the assets they need are copied: no
// source maps, no unminified builds. The trailing `sourceMappingURL` comments
// are removed so that browsers and Django's ManifestStaticFilesStorage do not
// look for the .map files we leave out.
//
// It also removes "resolved" URLs from package-lock.json, so the committed
// lockfile names no registry host ("integrity" hashes are kept, which is what
// `npm ci` checks the downloaded tarballs against).

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NODE_MODULES = path.join(ROOT, "node_modules");
const STATIC = path.join(ROOT, "socmap", "static");
const VENDOR = path.join(STATIC, "vendor");
const require = createRequire(path.join(ROOT, "package.json"));

// GOV.UK Frontend and MoJ Frontend do not ship a licence file in their npm
// packages (package.json says MIT); these are the texts from their source
// repositories, written next to the vendored files.
const MIT_TERMS = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;
const FALLBACK_LICENSES = {
  "govuk-frontend": `The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

${MIT_TERMS}`,
  "@ministryofjustice/frontend": `MIT License

Copyright (c) 2021 dxw

${MIT_TERMS}`,
};

// What to vendor: package name, destination folder under vendor/, and the
// files (source path inside the package -> destination name) and folders.
const PACKAGES = [
  {
    name: "govuk-frontend",
    dest: "govuk",
    files: { "dist/govuk/govuk-frontend.min.js": "govuk-frontend.min.js" }, // ES module
    dirs: { "dist/govuk/assets": "assets" }, // fonts, images, manifest.json, rebrand/
  },
  {
    name: "@ministryofjustice/frontend",
    dest: "moj",
    files: { "moj/moj-frontend.min.js": "moj-frontend.min.js" }, // ES module
    dirs: { "moj/assets/images": "assets/images" },
  },
  {
    name: "htmx.org",
    dest: "htmx",
    files: { "dist/htmx.min.js": "htmx.min.js" }, // classic script
  },
  {
    name: "cytoscape",
    dest: "cytoscape",
    files: { "dist/cytoscape.min.js": "cytoscape.min.js" }, // UMD
  },
  {
    name: "vega",
    dest: "vega",
    files: { "build/vega.min.js": "vega.min.js" }, // UMD
  },
  {
    name: "vega-lite",
    dest: "vega",
    files: { "build/vega-lite.min.js": "vega-lite.min.js" }, // UMD, needs vega
  },
  {
    // Only the browser tests load it (injected into each page to check accessibility); no page
    // template refers to it.
    name: "axe-core",
    dest: "axe",
    files: { "axe.min.js": "axe.min.js" }, // UMD, sets window.axe
  },
  {
    name: "vega-embed",
    dest: "vega",
    files: { "build/vega-embed.min.js": "vega-embed.min.js" }, // UMD, needs vega + vega-lite
  },
];

const LICENSE_NAMES = ["LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENCE.txt", "license"];

function log(msg) {
  console.log(`[build] ${msg}`);
}

function fail(msg) {
  console.error(`[build] error: ${msg}`);
  process.exit(1);
}

function packageDir(name) {
  return path.join(NODE_MODULES, ...name.split("/"));
}

function readJSON(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

// 1. Keep the lockfile free of registry URLs.
function stripLockfile() {
  const lockPath = path.join(ROOT, "package-lock.json");
  if (!fs.existsSync(lockPath)) fail("package-lock.json is missing: run `npm install` first");
  const lock = readJSON(lockPath);
  let stripped = 0;
  const strip = (entries) => {
    for (const entry of Object.values(entries || {})) {
      if (entry && typeof entry === "object" && "resolved" in entry) {
        delete entry.resolved;
        stripped += 1;
      }
      if (entry && entry.dependencies && typeof entry.dependencies === "object") {
        strip(entry.dependencies); // lockfileVersion 1 nesting
      }
    }
  };
  strip(lock.packages);
  strip(lock.dependencies);
  if (stripped > 0) {
    fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
    log(`package-lock.json: removed ${stripped} "resolved" URL(s)`);
  } else {
    log('package-lock.json: no "resolved" URLs');
  }
}

// 2. Installed versions must be exactly the ones pinned in package.json.
function checkPins() {
  const pkg = readJSON(path.join(ROOT, "package.json"));
  const pins = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const [name, wanted] of Object.entries(pins)) {
    const manifest = path.join(packageDir(name), "package.json");
    if (!fs.existsSync(manifest)) fail(`${name} is not installed: run \`npm ci\``);
    const have = readJSON(manifest).version;
    if (have !== wanted) fail(`${name}: package.json pins ${wanted} but ${have} is installed: run \`npm ci\``);
  }
}

// 3. Compile the stylesheet.
function buildCss() {
  const sass = require("sass");
  const entry = path.join(ROOT, "frontend", "socmap.scss");
  const result = sass.compile(entry, {
    style: "compressed",
    sourceMap: false,
    // MoJ Frontend loads "node_modules/govuk-frontend/...", so the repo root is
    // a load path as well as node_modules/.
    loadPaths: [ROOT, NODE_MODULES],
    // Hide deprecation warnings raised inside the packages (e.g. @import in
    // GOV.UK Frontend 5); warnings from socmap.scss itself still show.
    quietDeps: true,
  });
  const css = result.css;
  // Every url() must be a local static path or inline data: nothing fetched
  // from elsewhere at run time.
  const bad = [...css.matchAll(/url\(\s*["']?([^"')]+)/g)]
    .map((m) => m[1])
    .filter((u) => !u.startsWith("/static/") && !u.startsWith("data:"));
  if (bad.length) fail(`socmap.css references non-local URLs: ${[...new Set(bad)].join(", ")}`);
  const out = path.join(STATIC, "socmap", "socmap.css");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, css + "\n");
  log(`socmap/static/socmap/socmap.css: ${(css.length / 1024).toFixed(0)} KiB`);
  return css;
}

function copyJs(src, dest) {
  let text = fs.readFileSync(src, "utf8");
  text = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, text);
}

function copyDir(src, dest) {
  fs.cpSync(src, dest, {
    recursive: true,
    filter: (p) => !p.endsWith(".map"),
  });
}

function copyLicense(name, pkgDir, destDir) {
  const found = LICENSE_NAMES.map((n) => path.join(pkgDir, n)).find((p) => fs.existsSync(p));
  const target = path.join(destDir, `LICENSE.${name.replace(/^@/, "").replace(/\//g, "-")}`);
  if (found) {
    fs.copyFileSync(found, target);
  } else if (FALLBACK_LICENSES[name]) {
    fs.writeFileSync(target, FALLBACK_LICENSES[name]);
  } else {
    fail(`${name} ships no licence file and none is known to build.mjs`);
  }
}

// 4. Copy the built files.
function vendor() {
  fs.rmSync(VENDOR, { recursive: true, force: true });
  fs.mkdirSync(VENDOR, { recursive: true });
  const versions = [];
  for (const p of PACKAGES) {
    const dir = packageDir(p.name);
    const version = readJSON(path.join(dir, "package.json")).version;
    const destDir = path.join(VENDOR, p.dest);
    fs.mkdirSync(destDir, { recursive: true });
    const copied = [];
    for (const [from, to] of Object.entries(p.files || {})) {
      const src = path.join(dir, from);
      if (!fs.existsSync(src)) fail(`${p.name}@${version} has no ${from}`);
      copyJs(src, path.join(destDir, to));
      copied.push(to);
    }
    for (const [from, to] of Object.entries(p.dirs || {})) {
      const src = path.join(dir, from);
      if (!fs.existsSync(src)) fail(`${p.name}@${version} has no ${from}/`);
      copyDir(src, path.join(destDir, to));
      copied.push(`${to}/`);
    }
    copyLicense(p.name, dir, destDir);
    versions.push(`${p.name}@${version}  ->  vendor/${p.dest}/: ${copied.join(", ")}`);
  }
  const sassVersion = readJSON(path.join(packageDir("sass"), "package.json")).version;
  fs.writeFileSync(
    path.join(VENDOR, "VERSIONS.txt"),
    [
      "# Vendored front-end packages. Generated by frontend/build.mjs; do not edit.",
      "# Update: change the pins in package.json, then `npm install && npm run build`.",
      ...versions,
      `# socmap/static/socmap/socmap.css compiled with sass@${sassVersion}`,
      "",
    ].join("\n"),
  );
  log("socmap/static/vendor/VERSIONS.txt:\n  " + versions.join("\n  "));
}

// 5. Every font the CSS points at must have been vendored.
function checkCssAssets(css) {
  const urls = new Set([...css.matchAll(/url\(\s*["']?(\/static\/[^"')?#]+)/g)].map((m) => m[1]));
  const missing = [...urls].filter((u) => !fs.existsSync(path.join(STATIC, u.slice("/static/".length))));
  if (missing.length) fail(`socmap.css references files that were not vendored: ${missing.join(", ")}`);
  log(`socmap.css: all ${urls.size} /static/ URL(s) exist`);
}

function dirSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

stripLockfile();
checkPins();
vendor();
const css = buildCss();
checkCssAssets(css);
log(`socmap/static/vendor: ${(dirSize(VENDOR) / 1024 / 1024).toFixed(2)} MiB`);
