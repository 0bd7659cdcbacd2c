import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { isLocale } from "@/i18n/config";
import { notFound } from "@/server/errors";
import type { Preferences, PreferencesInput } from "./schema";

/** The signed-in user's language and zone, and the account's zone (the default). */
export async function getPreferences(db: Executor, userId: string): Promise<Preferences> {
  const [row] = await db
    .select({ locale: users.locale, timeZone: users.timeZone, accountTimeZone: accounts.timeZone })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.id, userId));
  if (!row) throw notFound("User");
  return { ...row, locale: isLocale(row.locale) ? row.locale : null };
}

/** Stores what was given (a field left out is unchanged); answers the result. */
export async function updatePreferences(
  db: Executor,
  userId: string,
  input: PreferencesInput,
): Promise<Preferences> {
  const set: { locale?: string | null; timeZone?: string | null } = {};
  if (input.locale !== undefined) set.locale = input.locale;
  if (input.timeZone !== undefined) set.timeZone = input.timeZone;
  if (Object.keys(set).length > 0) await db.update(users).set(set).where(eq(users.id, userId));
  return getPreferences(db, userId);
}
