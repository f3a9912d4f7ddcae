/**
 * Flow 3, Ongoing side: the reporting-back acknowledgement of a goods receipt. Each line's
 * reported quantity is set to exactly what the receipt event carried (PATCH per line), so goods
 * received after the event stay to report. Setting a value is idempotent: a repeated command
 * writes the same numbers again.
 */
import { topics } from '../../schemas/catalog.js';
import type { ReceiptReport } from '../../schemas/types.generated.js';
import type { OngoingWriteHandler } from './writer.js';

export const receiptReportHandler: OngoingWriteHandler<ReceiptReport> = {
  name: 'sink.ongoing.receipt-report',
  input: topics.receiptReport,
  entityType: 'purchaseOrderReport',
  async write(api, payload) {
    for (const line of payload.lines)
      await api.setPurchaseOrderLineReported(payload.ongoingPurchaseOrderId, line.lineId, line.reportedNumberOfItems);
    // Nothing to map: the purchase order's id is known already.
    return null;
  },
  find: async () => null,
};
