import { getTranslations } from "next-intl/server";
import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BillDetails } from "@/components/bills/bill-details";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { billId } from "@/server/bills/schema";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("bills"))("billTitle") };
}

export default async function BillPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const t = await getTranslations("bills");
  const parsed = billId.safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data.toUpperCase();
  // A bill the caller may not see is the same "not found" as one that does not exist.
  try {
    await getQueryClient().fetchQuery(trpc.bills.get.queryOptions({ id, limit: 100 }));
  } catch (e) {
    // Anything else (the database down) is the error page, not a false "not found".
    if (e instanceof TRPCError && e.code !== "NOT_FOUND" && e.code !== "BAD_REQUEST") throw e;
    notFound();
  }
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">
          {t("breadcrumb")} ›{" "}
          <Link href="/bills" className="underline">
            {t("title")}
          </Link>{" "}
          › {id}
        </p>
        <h1 className="text-2xl font-semibold">{t("billHeading", { id })}</h1>
      </div>
      <QueryBoundary fallback={<Loading label={t("loadingBill")} />}>
        <BillDetails id={id} />
      </QueryBoundary>
    </HydrateClient>
  );
}
