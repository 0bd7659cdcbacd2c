/**
 * The console's navigation as data: groups of entries, in order. A new page is one more entry
 * (e.g. Bills and Invoices under "Billing"); the layout decides which groups a user sees. Labels
 * are keys of the `nav` catalog (messages/<locale>/nav.json).
 */
export type NavItem = { href: string; label: string };
export type NavGroup = { label: string; items: NavItem[] };

export function consoleNav(opts: { enterprise: boolean; quotaPool: boolean; operator: boolean }): NavGroup[] {
  const groups: NavGroup[] = [
    {
      label: "groupAccount",
      items: [
        { href: "/coupons", label: "coupons" },
        { href: "/settings", label: "settings" },
      ],
    },
    {
      label: "groupBilling",
      items: [
        { href: "/orders", label: "orders" },
        { href: "/bills", label: "bills" },
        { href: "/invoices", label: "invoices" },
      ],
    },
  ];
  if (opts.enterprise) {
    groups.push({
      label: "groupEnterprise",
      items: [
        { href: "/enterprise", label: "enterprise" },
        ...(opts.quotaPool ? [{ href: "/quota-pool", label: "quotaPool" }] : []),
      ],
    });
  }
  if (opts.operator)
    groups.push({
      label: "groupPlatform",
      items: [{ href: "/operator", label: "operator" }],
    });
  return groups;
}
