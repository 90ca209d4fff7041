import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The Flask app serves dist/ at "/" and falls back to index.html for SPA routes.
// The dev proxy lets `npx vite` talk to a local `python wsgi.py` on port 5000.
const backend = "http://127.0.0.1:5000";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    proxy: {
      "/api": backend,
      "/widget": backend,
      "/socket.io": { target: backend, ws: true },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
    pool: "threads",
    maxWorkers: 1,
  },
});
