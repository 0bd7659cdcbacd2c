import { getTranslations } from "next-intl/server";
import { NotificationsView } from "@/components/notifications/notifications-view";
import { requireUser } from "@/server/auth/current";

export async function generateMetadata() {
  const t = await getTranslations("notifications");
  return { title: t("title") };
}

export default async function NotificationsPage() {
  await requireUser();
  const t = await getTranslations("notifications");
  return (
    <>
      <div className="mb-4">
        <p className="text-sm text-slate-600">{t("breadcrumb")}</p>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
      </div>
      <NotificationsView />
    </>
  );
}
