import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Locale, LOCALES } from "./config";

/**
 * The message catalogs: one file per namespace, `messages/<locale>/<namespace>.json`, merged into
 * one object keyed by namespace. Every file in the folder is picked up (a folder read, once per
 * process), so a new namespace needs no list to be kept in step. The folder is found from the
 * project root (where `next start`, vitest and Playwright run).
 */
export type Messages = Record<string, Record<string, unknown>>;

const cache = new Map<Locale, Messages>();

export function messagesDir(): string {
  return path.join(/* turbopackIgnore: true */ process.cwd(), "messages");
}

/** The namespaces (file names without `.json`) of one language's folder, sorted. */
export function catalogFiles(locale: Locale): string[] {
  return readdirSync(path.join(messagesDir(), locale))
    .filter((f) => f.endsWith(".json"))
    .sort();
}

export function loadMessages(locale: Locale): Messages {
  const hit = cache.get(locale);
  if (hit) return hit;
  const out: Messages = {};
  for (const file of catalogFiles(locale)) {
    const text = readFileSync(path.join(messagesDir(), locale, file), "utf8");
    out[file.slice(0, -".json".length)] = JSON.parse(text) as Record<string, unknown>;
  }
  // Reloaded on every request while developing, so catalog edits show without a restart.
  if (process.env.NODE_ENV === "production" || process.env.VITEST) cache.set(locale, out);
  return out;
}

export const allLocales = LOCALES;
