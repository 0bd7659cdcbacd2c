import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { currentUser } from "@/server/auth/current";
import { SESSION_COOKIE } from "@/server/auth/session";
import { DEFAULT_TIME_ZONE, LOCALE_COOKIE, pickLocale } from "./config";
import { loadMessages } from "./messages";

/**
 * next-intl without i18n routing (no locale in the URL): the language is the signed-in user's
 * choice, else the cookie set by the switch before sign-in, else `Accept-Language`; instants are
 * shown in the user's time zone (R-I18N-1, R-TZ-1). Every catalog file of the language is merged.
 */
export default getRequestConfig(async () => {
  const jar = await cookies();
  // Only look a user up when there is a session cookie (never opens the database at build time).
  const user = jar.get(SESSION_COOKIE) ? await currentUser() : null;
  const locale = pickLocale({
    user: user?.locale,
    cookie: jar.get(LOCALE_COOKIE)?.value,
    acceptLanguage: (await headers()).get("accept-language"),
  });
  return {
    locale,
    timeZone: user?.timeZone ?? DEFAULT_TIME_ZONE,
    messages: loadMessages(locale),
  };
});
