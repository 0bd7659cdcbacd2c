/**
 * A wide table's own scrolling box (R-UX-1): on a narrow screen the table scrolls sideways inside
 * it, never the page. Focusable and named, so keyboard users can scroll it too.
 */
export function TableScroll({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section aria-label={label} tabIndex={0} className="max-w-full overflow-x-auto">
      {children}
    </section>
  );
}
