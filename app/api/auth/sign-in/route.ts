import { sessionCookie } from "@/server/auth/cookies";
import { signIn } from "@/server/auth/session";
import { DomainError } from "@/server/errors";
import { NUL_MESSAGE, safeNextPath } from "@/server/http/guard";
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
  if (email.includes("\0") || password.includes("\0")) throw new DomainError("INVALID_INPUT", NUL_MESSAGE);
  const token = email && password && password.length <= 200 ? await signIn(handle.db, email, password) : null;
  if (!token) {
    if (isJson) return errorResponse("UNAUTHORIZED", "Wrong email or password.");
    const back = new URL("/sign-in", req.url);
    back.searchParams.set("error", "invalid");
    back.searchParams.set("email", email.slice(0, 200));
    return new Response(null, { status: 303, headers: { Location: back.pathname + back.search } });
  }
  const headers = new Headers({ "Set-Cookie": sessionCookie(token, req) });
  if (isJson) return Response.json({ ok: true }, { headers });
  headers.set("Location", next);
  return new Response(null, { status: 303, headers });
});
