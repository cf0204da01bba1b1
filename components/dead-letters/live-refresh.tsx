"use client";
// Re-renders the server page every few seconds while the task is still moving (queued/running), so
// an operator sees a retried task finish without reloading.
import { useEffect } from "react";
import { useRouter } from "next/navigation";

export function LiveRefresh({ active, everyMs = 2000 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs, router]);
  return null;
}
