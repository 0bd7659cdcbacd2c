import { sessionCookie } from "@/server/auth/cookies";
import { attemptSignIn } from "@/server/auth/session";
import { clientAddress, tooManyAttempts } from "@/server/auth/throttle";
import { serverEnv } from "@/server/env";
import { DomainError } from "@/server/errors";
import { safeNextPath } from "@/server/http/guard";
import { errorResponse, publicRoute } from "@/server/http/route";

/**
 * Sign-in: a plain form POST (works without JavaScript) or JSON. On success a session row and
 * an httpOnly cookie; on failure a redirect back with a clear message (or 401 JSON).
 */
export const POST = publicRoute(async (req, { handle }) => {
  const isJson = req.headers.get("content-type")?.includes("application/json") ?? false;
  let email = "";
  let password = "";
  let next = "/coupons";
  try {
    if (isJson) {
      const body = (await req.json()) as Record<string, unknown>;
      email = typeof body.email === "string" ? body.email : "";
      password = typeof body.password === "string" ? body.password : "";
    } else {
      const form = await req.formData();
      email = String(form.get("email") ?? "");
      password = String(form.get("password") ?? "");
      const n = String(form.get("next") ?? "");
      // Only a path on this console, after URL parsing (R-SEC-3); CR/LF and the like are a 400.
      if (n) next = safeNextPath(n, req.url);
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    return errorResponse("BAD_REQUEST", "Send an email and a password.");
  }
  if (email.includes("\0") || password.includes("\0")) throw new DomainError("INVALID_INPUT", "NUL_TEXT");
  const outcome =
    email && password && password.length <= 200 && email.length <= 320
      ? await attemptSignIn(
          handle.db,
          email,
          password,
          clientAddress(req.headers, serverEnv().trustedProxyHops),
        )
      : ({ wrong: true } as const);
  if (!("token" in outcome)) {
    const wait = "waitMinutes" in outcome ? outcome.waitMinutes : null;
    if (isJson) {
      return wait === null
        ? errorResponse("UNAUTHORIZED", "Wrong email or password.")
        : errorResponse("TOO_MANY_REQUESTS", tooManyAttempts(wait), {
            headers: { "Retry-After": String(wait * 60) },
          });
    }
    const back = new URL("/sign-in", req.url);
    back.searchParams.set("error", wait === null ? "invalid" : "throttled");
    if (wait !== null) back.searchParams.set("wait", String(wait));
    back.searchParams.set("email", email.slice(0, 200));
    return new Response(null, { status: 303, headers: { Location: back.pathname + back.search } });
  }
  const token = outcome.token;
  const headers = new Headers({ "Set-Cookie": sessionCookie(token, req) });
  if (isJson) return Response.json({ ok: true }, { headers });
  headers.set("Location", next);
  return new Response(null, { status: 303, headers });
});
