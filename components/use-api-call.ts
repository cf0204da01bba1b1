"use client";
import { useState } from "react";

/**
 * Busy and error state around an API call: `run(fn)` disables the caller's buttons while `fn`
 * runs, clears the last error first, and keeps the message of a failure for the UI (never throws;
 * resolves to undefined on failure).
 */
export function useApiCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError((err as Error).message);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
