import { clearedSessionCookie } from "@/server/auth/cookies";
import { readSessionCookie, signOut } from "@/server/auth/session";
import { publicRoute } from "@/server/http/route";

/** Ends the cookie's session (if any) and clears the cookie; a public route, like sign-in. */
export const POST = publicRoute(async (req, { handle }) => {
  const token = readSessionCookie(req.headers.get("cookie"));
  if (token) await signOut(handle.db, token);
  return new Response(null, {
    status: 303,
    headers: { Location: "/sign-in", "Set-Cookie": clearedSessionCookie() },
  });
});
