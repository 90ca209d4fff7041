// Builds the chat frame (frame.html + content-hashed assets under /widget/assets/)
// and configures Vitest. The loader has its own config: vite.loader.config.ts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/widget/",
  publicDir: false,
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    assetsDir: "assets",
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      input: "frame.html",
    },
  },
  test: {
    environment: "happy-dom",
    // The tests add <script src> and <iframe src> to the page; happy-dom must not fetch them.
    environmentOptions: {
      happyDOM: {
        settings: {
          disableJavaScriptFileLoading: true,
          disableIframePageLoading: true,
          handleDisabledFileLoadingAsSuccess: true,
        },
      },
    },
    include: ["test/**/*.test.{ts,tsx}"],
  },
});
