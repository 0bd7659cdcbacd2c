import { NotificationsView } from "@/components/notifications/notifications-view";
import { translator } from "@/lib/local-messages";
import { requireUser } from "@/server/auth/current";

export const metadata = { title: "Notifications" };

const t = translator("notifications");

export default async function NotificationsPage() {
  await requireUser();
  return (
    <>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Account</p>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
      </div>
      <NotificationsView />
    </>
  );
}
