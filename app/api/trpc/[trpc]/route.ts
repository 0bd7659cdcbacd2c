import { handleTrpc } from "@/server/http/trpc";

const handler = (req: Request) => handleTrpc(req);

export { handler as GET, handler as POST };
