import { appDatabase } from "@/db";
import { requestLocale } from "@/i18n/request-locale";
import { readSessionCookie } from "@/server/auth/session";
import type { Context } from "./init";

/** Builds the tRPC context from request headers; the session itself is read only by procedures that need it. */
export async function createContext(headers: { get(name: string): string | null }): Promise<Context> {
  return {
    handle: await appDatabase(),
    sessionToken: readSessionCookie(headers.get("cookie")),
    locale: requestLocale({ headers }),
  };
}
