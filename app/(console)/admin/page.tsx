import { Suspense } from "react";
import { Card, PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { listApiKeys } from "@/lib/platform/auth/api-keys";
import { listUsers } from "@/lib/platform/users";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { UsersPanel } from "@/components/admin/users-panel";

export const metadata = { title: "Admin" };

async function Keys() {
  const keys = await listApiKeys();
  return <ApiKeysPanel initial={JSON.parse(JSON.stringify(keys))} />;
}

async function Users() {
  const users = await listUsers();
  return <UsersPanel initial={JSON.parse(JSON.stringify(users))} />;
}

export default async function AdminPage() {
  await requirePage("admin", "/admin");
  return (
    <>
      <PageHeader title="Admin" description="Users and the API keys machines use (Prometheus, the checkout service, collectors)." />
      <div className="grid gap-6">
        <Card title="API keys">
          <Suspense fallback={<Skeleton />}><Keys /></Suspense>
        </Card>
        <Card title="Users">
          <Suspense fallback={<Skeleton />}><Users /></Suspense>
        </Card>
      </div>
    </>
  );
}
