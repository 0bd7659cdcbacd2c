import Link from "next/link";
import { useTranslations } from "next-intl";

/** An account in the link that the viewer may not see here (R-ENT-3): said in words, with a way back. */
export function UnknownAccount({ href, what }: { href: string; what: "bills" | "invoices" }) {
  const t = useTranslations("common");
  return (
    <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-sm">
      <p className="font-medium">{t("unknownAccountTitle")}</p>
      <p className="mt-1">{t("unknownAccountBody")}</p>
      <Link href={href} className="mt-2 inline-block underline">
        {t("unknownAccountBack", { what })}
      </Link>
    </div>
  );
}
