"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { buttonClass, ErrorNote } from "@/components/ui";

/** A button that (after an optional confirmation) calls one API endpoint, then refreshes the page; errors are shown beside it. */
export function ApiActionButton({
  label,
  url,
  method = "POST",
  json,
  confirm,
  variant = "secondary",
}: {
  label: string;
  url: string;
  method?: "POST" | "DELETE" | "PATCH";
  json?: unknown;
  confirm?: string;
  variant?: keyof typeof buttonClass;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        className={buttonClass[variant]}
        disabled={busy}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          setError(null);
          setBusy(true);
          try {
            await api(url, { method, json });
            router.refresh();
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        {label}
      </button>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
    </>
  );
}
