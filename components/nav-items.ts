import type { Permission } from "@/lib/platform/auth/roles";

/** The console's areas. Only areas that exist are listed; each names the permission it needs. */
export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", permission: "read" },
  { href: "/alerts", label: "Alerts", permission: "read" },
  { href: "/runbooks", label: "Runbooks", permission: "read" },
  { href: "/fulfillment", label: "Fulfillment", permission: "read" },
  { href: "/fulfillment/dead-letters", label: "Dead letters", permission: "read" },
  { href: "/payments", label: "Payments", permission: "read" },
  { href: "/catalog", label: "Catalog insights", permission: "catalog" },
  { href: "/whatsapp", label: "WhatsApp", permission: "read" },
  { href: "/reconciliation", label: "Reconciliation", permission: "read" },
  { href: "/reconciliation/risk", label: "Reconciliation risk", permission: "read" },
  { href: "/reconciliation/breakers", label: "Circuit breakers", permission: "read" },
  { href: "/slos", label: "SLOs", permission: "read" },
  { href: "/performance", label: "Performance", permission: "read" },
  { href: "/events", label: "Events", permission: "read" },
  { href: "/audit", label: "Audit", permission: "read" },
  { href: "/exports", label: "Exports", permission: "admin" },
  { href: "/admin", label: "Admin", permission: "admin" },
];
