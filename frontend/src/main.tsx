import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { api } from "./api/client";
import { App, loadSignedInApp } from "./app/App";
import { applyTheme } from "./app/theme";
import "./i18n";
import "./styles.css";

applyTheme();
// A returning agent will need the inbox: fetch its chunk while the session is restored.
if (api.hasRefreshToken()) void loadSignedInApp();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
