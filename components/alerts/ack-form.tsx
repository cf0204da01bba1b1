"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { ErrorNote, buttonClass, inputClass } from "@/components/ui";

export function AckForm({ alertId }: { alertId: string }) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const { busy, error, run } = useApiCall();
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={async (e) => {
        e.preventDefault();
        await run(async () => {
          await api(`/api/v1/alerts/${alertId}/ack`, { method: "POST", json: { comment } });
          router.refresh();
        });
      }}
    >
      <label className="flex flex-1 flex-col gap-1 text-sm">
        Comment
        <input className={inputClass} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What are you doing about it?" required maxLength={1000} />
      </label>
      <button className={buttonClass.primary} disabled={busy || !comment.trim()} type="submit">Acknowledge</button>
      {error ? <div className="w-full"><ErrorNote>{error}</ErrorNote></div> : null}
    </form>
  );
}
