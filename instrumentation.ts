/** Opens, migrates and (on an empty database) seeds at start-up, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { appDatabase } = await import("./db");
    await appDatabase();
  }
}
