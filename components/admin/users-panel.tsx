"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { buttonClass, ErrorNote, inputClass, tableClass } from "@/components/ui";
import { ROLES, type Role } from "@/lib/platform/auth/roles";

interface UserRow {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  lastLoginAt: string | null;
}

export function UsersPanel({ initial }: { initial: UserRow[] }) {
  const router = useRouter();
  const [form, setForm] = useState({ email: "", role: "viewer" as Role, password: "" });
  const [error, setError] = useState<string | null>(null);

  async function run(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="grid gap-4">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api("/api/v1/admin/users", { method: "POST", json: form });
            setForm({ email: "", role: "viewer", password: "" });
          });
        }}
      >
        <label className="flex flex-col gap-1 text-sm">Email<input className={inputClass} type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></label>
        <label className="flex flex-col gap-1 text-sm">Role
          <select className={inputClass} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => <option key={r}>{r}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">Initial password<input className={inputClass} type="password" required minLength={12} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} /></label>
        <button className={buttonClass.primary} type="submit">Add user</button>
      </form>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      <table className={tableClass}>
        <thead><tr><th>Email</th><th>Role</th><th>Last sign-in</th></tr></thead>
        <tbody>
          {initial.map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  className={inputClass}
                  value={u.role}
                  onChange={(e) => void run(() => api(`/api/v1/admin/users/${u.id}`, { method: "PATCH", json: { role: e.target.value } }))}
                >
                  {ROLES.map((r) => <option key={r}>{r}</option>)}
                </select>
              </td>
              <td>{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : "never"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
