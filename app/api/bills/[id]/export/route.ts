import { requestLocale } from "@/i18n/request-locale";
import { billLinesFileName, streamBillLines } from "@/server/bills/export";
import { visibleBill } from "@/server/bills/queries";
import { billId } from "@/server/bills/schema";
import { DomainError } from "@/server/errors";
import { authedRoute } from "@/server/http/route";
import { csvResponse, exportBusy, exportCapacity } from "@/server/vouchers/export";

/** R-PAYG-1: a bill's lines, with what each voucher paid, as a streamed CSV download. */
export const GET = authedRoute<{ id: string }>(async (req, { handle, user, params }) => {
  const parsed = billId.safeParse(params.id);
  if (!parsed.success) throw new DomainError("INVALID_INPUT", "BAD_BILL_ID");
  const bill = await visibleBill(handle.db, user, parsed.data);
  if (!exportCapacity(handle)) return exportBusy();
  return csvResponse(
    streamBillLines(handle, bill.id, user.timeZone, requestLocale(req, user)),
    billLinesFileName(bill.id, user.timeZone),
  );
});
