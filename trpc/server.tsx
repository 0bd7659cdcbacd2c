import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";
import { createContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";
import { makeQueryClient } from "./query-client";

export const getQueryClient = cache(makeQueryClient);

/** Server components prefetch through this proxy; the client hydrates what they fetched. */
export const trpc = createTRPCOptionsProxy({
  ctx: async () => createContext(await headers()),
  router: appRouter,
  queryClient: getQueryClient,
});

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
