import { preferences, preferencesInput } from "@/server/settings/schema";
import { getPreferences, updatePreferences } from "@/server/settings/service";
import { authedProcedure, router } from "../init";

/** The signed-in user's own settings: language and time zone (R-I18N-1, R-TZ-1). */
export const meRouter = router({
  preferences: authedProcedure
    .output(preferences)
    .query(({ ctx }) => getPreferences(ctx.handle.db, ctx.user.userId)),
  update: authedProcedure
    .input(preferencesInput)
    .output(preferences)
    .mutation(({ ctx, input }) => updatePreferences(ctx.handle.db, ctx.user.userId, input)),
});
