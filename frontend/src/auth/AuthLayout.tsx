import type { ReactNode } from "react";
import { ThemeToggle } from "../app/ThemeToggle";
import { LanguageSelect } from "../app/LanguageSelect";

/** The centred card that holds every signed-out screen. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-layout">
      <main className="auth-card">
        <div className="auth-brand" aria-hidden="true">
          <span className="brand-mark">●</span> LiveChat
        </div>
        <h1>{title}</h1>
        {children}
      </main>
      <div className="auth-footer">
        <LanguageSelect />
        <ThemeToggle />
      </div>
    </div>
  );
}
