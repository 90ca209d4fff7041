import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import type { Project, Screenshot, Visitor } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";
import { screenshotsApi } from "./integrationsApi";
import { useScreenshotStore } from "./screenshotStore";

const POLL_MS = 2000;

/** "Screenshot" in the visitor panel: renders the visitor's current page on the server and shows the PNG. */
export function ScreenshotButton({ project, visitor }: { project: Project; visitor: Visitor }) {
  const { t } = useTranslation();
  const [shotId, setShotId] = useState<Screenshot["id"] | null>(null);
  const shot = useScreenshotStore((state) => (shotId == null ? undefined : state.byId[String(shotId)]));
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The screenshot:updated event usually arrives first; polling covers a dropped connection.
  useEffect(() => {
    if (shotId == null || shot?.status !== "pending") return;
    const timer = setInterval(() => {
      screenshotsApi
        .get(project.id, visitor.id, shotId)
        .then((fresh) => useScreenshotStore.getState().receive(fresh))
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [project.id, visitor.id, shotId, shot?.status]);

  useEffect(() => {
    if (shot?.status !== "done" || !shot.image_url) return;
    let objectUrl: string | null = null;
    screenshotsApi
      .image(shot.image_url)
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setImageUrl(objectUrl);
      })
      .catch((caught) => setError(errorMessage(caught)));
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [shot?.status, shot?.image_url]);

  const take = async () => {
    setError(null);
    setImageUrl(null);
    try {
      const created = await screenshotsApi.request(project.id, visitor.id);
      useScreenshotStore.getState().receive(created);
      setShotId(created.id);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const isPending = shot?.status === "pending";
  return (
    <section className="visitor-screenshot" aria-labelledby="visitor-screenshot-title">
      <h3 id="visitor-screenshot-title" className="visually-hidden">
        {t("integrations.screenshot.title")}
      </h3>
      <button type="button" className="button" onClick={() => void take()} disabled={isPending || !visitor.page_url}>
        {isPending ? t("integrations.screenshot.taking") : t("integrations.screenshot.take")}
      </button>
      <ErrorNotice
        message={
          error ?? (shot?.status === "failed" ? t("integrations.screenshot.failed", { reason: shot.error }) : null)
        }
      />
      {imageUrl && (
        <a href={imageUrl} target="_blank" rel="noopener noreferrer">
          <img
            className="screenshot-image"
            src={imageUrl}
            alt={t("integrations.screenshot.alt", { url: shot?.url ?? "" })}
          />
        </a>
      )}
    </section>
  );
}
