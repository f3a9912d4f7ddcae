/**
 * Flow 7, Ongoing side: the reporting-back acknowledgement of returns the warehouse took back
 * against an outbound order. Each line's reported returned quantity is set to exactly what the
 * return event carried (PATCH per line), so what is returned later stays to report. Setting a
 * value is idempotent.
 */
import { topics } from '../../schemas/catalog.js';
import type { OrderReturnReport } from '../../schemas/types.generated.js';
import type { OngoingWriteHandler } from './writer.js';

export const orderReturnReportHandler: OngoingWriteHandler<OrderReturnReport> = {
  name: 'sink.ongoing.order-return-report',
  input: topics.orderReturnReport,
  entityType: 'orderReturnReport',
  async write(api, payload) {
    for (const line of payload.lines)
      await api.setOrderLineReportedReturned(payload.ongoingOrderId, line.lineId, line.reportedReturnedNumberOfItems);
    return null;
  },
  find: async () => null,
};
