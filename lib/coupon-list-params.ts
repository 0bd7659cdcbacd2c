import { type ListInput, listInput } from "@/server/vouchers/schema";

/**
 * One parser map for the Coupons tab's URL state (R-LIST-2): the page, the query input and
 * (later) the cross-voucher export all read the list state through here.
 */
export const URL_KEYS = {
  type: "type",
  status: "status",
  q: "q",
  expiringWithinDays: "exp",
  sort: "sort",
  dir: "dir",
  cursor: "cursor",
  accountId: "account",
} as const;

export type ListState = ListInput & { accountId?: string };

export function parseListParams(sp: URLSearchParams) {
  const raw: Record<string, unknown> = {};
  for (const [key, param] of Object.entries(URL_KEYS)) {
    const v = sp.get(param);
    if (v === null || v === "") continue;
    raw[key] = key === "expiringWithinDays" ? Number(v) : v;
  }
  const { accountId, ...rest } = raw;
  const parsed = listInput.safeParse(rest);
  if (!parsed.success)
    return {
      ok: false as const,
      error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  return {
    ok: true as const,
    value: { ...parsed.data, ...(typeof accountId === "string" ? { accountId } : {}) } as ListState,
  };
}

/**
 * The Coupons tab's reading of a URL: every parameter judged on its own, so one bad value (an
 * unknown status, a cursor from another sort or typed by hand) is dropped and the rest kept.
 * `stale` lists the parameters that were dropped: the page then says the link is out of date and
 * offers the first page with the valid filters (R-UX-2).
 */
export function parseListParamsLenient(sp: URLSearchParams): { value: ListState; stale: string[] } {
  const raw: Record<string, unknown> = {};
  const stale: string[] = [];
  for (const [key, param] of Object.entries(URL_KEYS)) {
    const v = sp.get(param);
    if (v === null || v === "") continue;
    raw[key] = key === "expiringWithinDays" ? Number(v) : v;
  }
  const { accountId, ...rest } = raw;
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(rest)) {
    const shape = listInput.shape[key as keyof typeof listInput.shape];
    if (shape?.safeParse(v).success) kept[key] = v;
    else stale.push(URL_KEYS[key as keyof typeof URL_KEYS]);
  }
  // The sort and its direction travel together; a cursor belongs to them.
  const parsed = listInput.parse(kept);
  return {
    value: { ...parsed, ...(typeof accountId === "string" ? { accountId } : {}) },
    stale,
  };
}

/** Serialises list state back to a query string, leaving defaults out. */
export function toSearch(state: Partial<ListState>): string {
  const sp = new URLSearchParams();
  const defaults: Partial<ListState> = { type: "all", sort: "issued", dir: "desc", limit: 20 };
  for (const [key, param] of Object.entries(URL_KEYS)) {
    const v = state[key as keyof ListState];
    if (v === undefined || v === null || v === "" || defaults[key as keyof ListState] === v) continue;
    sp.set(param, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

export function searchParamsFromRecord(
  record: Record<string, string | string[] | undefined>,
): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) if (typeof v === "string") sp.set(k, v);
  return sp;
}
