import Link from "next/link";

/** The account filter in a link names an account the viewer may not see: no data, no hint it exists. */
export function UnknownAccount({ href, label }: { href: string; label: string }) {
  return (
    <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-sm">
      <p className="font-medium">Account not found.</p>
      <p className="mt-1">This link asks for an account that is not among the accounts you can view here.</p>
      <Link href={href} className="mt-2 inline-block underline">
        Show your {label.toLowerCase()}
      </Link>
    </div>
  );
}
