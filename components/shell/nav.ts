/**
 * The console's navigation as data: groups of entries, in order. A new page is one more entry
 * (e.g. Bills and Invoices under "Billing"); the layout decides which groups a user sees.
 */
export type NavItem = { href: string; label: string };
export type NavGroup = { label: string; items: NavItem[] };

export function consoleNav(opts: { enterprise: boolean; quotaPool: boolean; operator: boolean }): NavGroup[] {
  const groups: NavGroup[] = [
    { label: "Account", items: [{ href: "/coupons", label: "Cards and Coupons" }] },
    {
      label: "Billing",
      items: [
        { href: "/orders", label: "Orders" },
        { href: "/bills", label: "Bills" },
        { href: "/invoices", label: "Invoices" },
      ],
    },
  ];
  if (opts.enterprise) {
    groups.push({
      label: "Enterprise",
      items: [
        { href: "/enterprise", label: "Enterprise" },
        ...(opts.quotaPool ? [{ href: "/quota-pool", label: "Quota Pool" }] : []),
      ],
    });
  }
  if (opts.operator)
    groups.push({
      label: "Platform",
      items: [{ href: "/operator", label: "Issue vouchers, record usage, close cycles" }],
    });
  return groups;
}
