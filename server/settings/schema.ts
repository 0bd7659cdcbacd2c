import { z } from "zod";
import { isTimeZone, LOCALES } from "@/i18n/config";

/**
 * A user's language and time zone (R-I18N-1, R-TZ-1). `locale: null` forgets the choice (the cookie and
 * Accept-Language decide again); `timeZone: null` goes back to the account's.
 */
export const preferencesInput = z
  .object({
    locale: z.enum(LOCALES).nullable().optional(),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, { message: "Choose a time zone from the list." })
      .nullable()
      .optional(),
  })
  .strict();
export type PreferencesInput = z.infer<typeof preferencesInput>;

export const preferences = z.object({
  locale: z.enum(LOCALES).nullable(),
  /** The user's own zone, or null when the account's applies. */
  timeZone: z.string().nullable(),
  accountTimeZone: z.string(),
});
export type Preferences = z.infer<typeof preferences>;
