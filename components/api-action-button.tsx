"use client";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
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
  const { busy, error, run } = useApiCall();
  return (
    <>
      <button
        className={buttonClass[variant]}
        disabled={busy}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          await run(async () => {
            await api(url, { method, json });
            router.refresh();
          });
        }}
      >
        {label}
      </button>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
    </>
  );
}
