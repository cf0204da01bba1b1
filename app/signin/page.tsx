import { redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/platform/auth/auth";
import { oidcEnabled } from "@/lib/platform/auth/auth";
import { currentUser } from "@/lib/platform/auth/identity";
import { buttonClass, ErrorNote, inputClass } from "@/components/ui";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

/** Only same-site paths, so the sign-in form cannot be used as an open redirect. */
function safeFrom(from: unknown): string {
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") ? from : "/";
}

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong email or password. Check both and try again; an admin can reset your password.",
  AccessDenied: "Your account is not allowed to sign in. Ask an admin.",
  Configuration: "Sign-in is misconfigured on the server (check AUTH_SECRET and the OIDC settings).",
};

/** next-auth passes the throttle's code (`throttled_<seconds>`) through the redirect. */
function throttledMessage(code: string | undefined): string | null {
  const m = /^throttled_(\d{1,6})$/.exec(code ?? "");
  if (!m) return null;
  const seconds = Number(m[1]);
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many failed sign-ins for this account or from this address. Wait ${wait}, then try again; if you forgot your password, ask an admin to reset it.`;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const from = safeFrom(params.from);
  if (await currentUser()) redirect(from);

  async function credentialsSignIn(formData: FormData) {
    "use server";
    try {
      await signIn("credentials", { email: formData.get("email"), password: formData.get("password"), redirectTo: from });
    } catch (err) {
      if (err instanceof AuthError) {
        const code = err instanceof CredentialsSignin ? `&code=${encodeURIComponent(err.code)}` : "";
        redirect(`/signin?error=${err.type}${code}&from=${encodeURIComponent(from)}`);
      }
      throw err; // the success redirect
    }
  }
  async function oidcSignIn() {
    "use server";
    await signIn("oidc", { redirectTo: from });
  }

  const error = params.error ? (throttledMessage(params.code) ?? MESSAGES[params.error] ?? "Sign-in failed. Try again.") : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">Opsdeck</h1>
        <p className="mb-6 mt-1 text-sm text-slate-500">Sign in to the operations console.</p>
        {error ? <div className="mb-4"><ErrorNote>{error}</ErrorNote></div> : null}
        <form action={credentialsSignIn} className="flex flex-col gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Email
            <input name="email" type="email" required autoComplete="username" className={inputClass} />
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Password
            <input name="password" type="password" required autoComplete="current-password" className={inputClass} />
          </label>
          <button type="submit" className={`${buttonClass.primary} mt-2`}>Sign in</button>
        </form>
        {oidcEnabled() ? (
          <form action={oidcSignIn} className="mt-3">
            <button type="submit" className={`${buttonClass.secondary} w-full`}>{process.env.OIDC_NAME ?? "Single sign-on"}</button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
