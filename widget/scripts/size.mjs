// Checks the gzip budgets of the built widget (run `npm run build` first):
// dist/loader.js ≤ 3 KB, and the frame's HTML + JS + CSS together ≤ 40 KB.
// KB here is the strict 1000 bytes. Sizes are gzip level 9 per file, as a
// server with static gzip would send them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const LOADER_BUDGET = 3000;
const FRAME_BUDGET = 40000;

const gzipSize = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (bytes) => `${bytes} B (${(bytes / 1000).toFixed(2)} KB)`;

if (!existsSync(join(dist, "loader.js")) || !existsSync(join(dist, "frame.html"))) {
  console.error("size: widget/dist is missing or incomplete; run `npm run build` first");
  process.exit(2);
}

const loader = gzipSize(join(dist, "loader.js"));
const assets = existsSync(join(dist, "assets"))
  ? readdirSync(join(dist, "assets")).filter((name) => /\.(js|css)$/.test(name))
  : [];
// The frame is everything under assets/ (the loader is a single file outside it)
// plus frame.html itself, whose inline bootstrap counts too.
const frameFiles = [["frame.html", gzipSize(join(dist, "frame.html"))]].concat(
  assets.map((name) => ["assets/" + name, gzipSize(join(dist, "assets", name))]),
);
const frame = frameFiles.reduce((sum, [, size]) => sum + size, 0);

let isOver = false;
const report = (label, size, budget) => {
  const over = size > budget;
  isOver ||= over;
  console.log(`${over ? "FAIL" : "ok  "} ${label.padEnd(22)} ${kb(size).padStart(20)} gz   budget ${kb(budget)}`);
};

report("loader.js", loader, LOADER_BUDGET);
for (const [name, size] of frameFiles) console.log(`       ${name.padEnd(30)} ${kb(size).padStart(20)} gz`);
report("frame (html+js+css)", frame, FRAME_BUDGET);
process.exit(isOver ? 1 : 0);
