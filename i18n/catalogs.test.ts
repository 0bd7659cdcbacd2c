import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES, localeFromAcceptLanguage, pickLocale } from "./config";
import { catalogFiles, loadMessages, messagesDir } from "./messages";
import { translator } from "./translate";

/** Every key path of a catalog object ("coupons.table.balance"). */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** The ICU arguments a message uses ({name}, {count, plural, ...}, inside branches too), sorted. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  let i = 0;
  const readUntil = (stops: string) => {
    const start = i;
    while (i < message.length && !stops.includes(message[i] ?? "")) i++;
    return message.slice(start, i).trim();
  };
  // A message (or a branch of one) up to its closing brace.
  const text = (): void => {
    while (i < message.length && message[i] !== "}") {
      if (message[i] === "{") {
        i++;
        argument();
      } else i++;
    }
  };
  const argument = (): void => {
    const name = readUntil(",}");
    names.add(name);
    if (message[i] === "}") {
      i++;
      return;
    }
    i++; // ","
    const type = readUntil(",}");
    if (message[i] === ",") i++;
    if (type === "plural" || type === "select" || type === "selectordinal") {
      while (i < message.length && message[i] !== "}") {
        readUntil("{}"); // the branch's selector (other, one, =0, offset:1 ...)
        if (message[i] === "{") {
          i++;
          text();
          i++; // the branch's "}"
        }
      }
    } else readUntil("}");
    i++; // the argument's "}"
  };
  text();
  return [...names].sort();
}

describe("R-I18N-1: message catalogs", () => {
  it("R-I18N-1: every language folder holds the same files (one per namespace)", () => {
    const folders = readdirSync(messagesDir()).sort();
    expect(folders).toEqual([...LOCALES].sort());
    const [first, ...rest] = LOCALES;
    for (const l of rest) expect(catalogFiles(l)).toEqual(catalogFiles(first));
  });

  it("R-I18N-1: a key that exists in one language only fails (every file walked)", () => {
    const [first, ...rest] = LOCALES;
    for (const file of catalogFiles(first)) {
      const read = (l: string) =>
        keyPaths(JSON.parse(readFileSync(path.join(messagesDir(), l, file), "utf8"))).sort();
      for (const l of rest) expect({ file, keys: read(l) }).toEqual({ file, keys: read(first) });
    }
  });

  it("R-I18N-1: the same key takes the same arguments in every language; no message is empty", () => {
    const en = loadMessages("en");
    for (const l of LOCALES) {
      const other = loadMessages(l);
      for (const key of keyPaths(en)) {
        const get = (m: unknown) =>
          key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], m);
        const a = get(en);
        const b = get(other);
        expect(typeof b, `${l}: ${key}`).toBe("string");
        expect(String(b).length, `${l}: ${key}`).toBeGreaterThan(0);
        expect(argumentsOf(String(b)), `${l}: ${key}`).toEqual(argumentsOf(String(a)));
      }
    }
  });

  it("R-I18N-1: every message of every language formats (ICU syntax, plurals)", () => {
    for (const l of LOCALES) {
      const t = translator(l);
      for (const key of keyPaths(loadMessages(l))) {
        const text = String(
          key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], loadMessages(l)),
        );
        const values = Object.fromEntries(argumentsOf(text).map((a) => [a, 1]));
        expect(() => t(key, values), `${l}: ${key}`).not.toThrow();
      }
    }
  });

  it("R-I18N-1: ICU plurals in both languages", () => {
    expect(translator("en", "signIn")("throttled", { minutes: 1 })).toContain("1 minute.");
    expect(translator("en", "signIn")("throttled", { minutes: 5 })).toContain("5 minutes.");
    expect(translator("zh", "signIn")("throttled", { minutes: 5 })).toContain("5 分钟");
  });
});

describe("R-I18N-1: which language a viewer gets", () => {
  it.each([
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh"],
    ["en-US,en;q=0.9", "en"],
    ["fr-FR,zh-TW;q=0.5,en;q=0.4", "zh"],
    ["fr,de", null],
    ["en;q=0.1, zh;q=0.9", "zh"],
    ["", null],
  ])("R-I18N-1: Accept-Language %j -> %s", (header, want) => {
    expect(localeFromAcceptLanguage(header)).toBe(want);
  });

  it("R-I18N-1: the user's choice, then the cookie, then Accept-Language, then English", () => {
    expect(pickLocale({ user: "zh", cookie: "en", acceptLanguage: "en" })).toBe("zh");
    expect(pickLocale({ user: null, cookie: "zh", acceptLanguage: "en" })).toBe("zh");
    expect(pickLocale({ user: null, cookie: "xx", acceptLanguage: "zh-CN" })).toBe("zh");
    expect(pickLocale({})).toBe("en");
  });
});
