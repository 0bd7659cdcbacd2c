import { appDatabase } from "@/db";
import { clearedSessionCookie } from "@/server/auth/cookies";
import { readSessionCookie, signOut } from "@/server/auth/session";

export async function POST(req: Request) {
  const token = readSessionCookie(req.headers.get("cookie"));
  if (token) await signOut((await appDatabase()).db, token);
  return new Response(null, {
    status: 303,
    headers: { Location: "/sign-in", "Set-Cookie": clearedSessionCookie() },
  });
}
