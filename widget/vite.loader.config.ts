// Builds dist/loader.js: one self-contained IIFE with no imports, served at
// /widget/loader.js with a short cache (the frame's assets carry the hashes).
import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2020",
    minify: true,
    sourcemap: false,
    lib: {
      entry: "src/loader/index.ts",
      formats: ["iife"],
      name: "LiveChatLoader",
      fileName: () => "loader.js",
    },
  },
});
