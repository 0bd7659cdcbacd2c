import { connection } from "next/server";
import { ConsoleShell } from "@/components/shell/console-shell";
import { consoleNav } from "@/components/shell/nav";
import { appDatabase } from "@/db";
import { requireUser } from "@/server/auth/current";
import { enterpriseNav } from "@/server/enterprise/queries";
import { TRPCReactProvider } from "@/trpc/client";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const user = await requireUser();
  // Enterprise entries only for those they work for; read per request (permissions are live).
  const nav = await enterpriseNav((await appDatabase()).db, user);
  const groups = consoleNav({ ...nav, operator: user.role === "operator" });
  return (
    <TRPCReactProvider>
      <ConsoleShell
        groups={groups}
        user={{ email: user.email, accountName: user.accountName, accountId: user.accountId }}
      >
        {children}
      </ConsoleShell>
    </TRPCReactProvider>
  );
}
