import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Expenses and Costs — Vouchers", template: "%s · Expenses and Costs" },
  description: "See, use, share and export your vouchers.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
