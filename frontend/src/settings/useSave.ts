import { useState } from "react";
import { errorMessage } from "../api/client";

/** Busy / error / saved state around one async action. */
export function useSave() {
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isSaved, setSaved] = useState(false);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await action();
      setSaved(true);
      return true;
    } catch (caught) {
      setError(errorMessage(caught));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { isBusy, error, isSaved, run, setError };
}
