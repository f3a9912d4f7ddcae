/**
 * Flow 6, Ongoing side: the reporting-back acknowledgement of a shipment. Each line's reported
 * quantity is set to exactly what the shipment event carried (PATCH per line), so what is picked
 * later stays to report. Setting a value is idempotent.
 */
import { topics } from '../../schemas/catalog.js';
import type { OrderReport } from '../../schemas/types.generated.js';
import type { OngoingWriteHandler } from './writer.js';

export const orderReportHandler: OngoingWriteHandler<OrderReport> = {
  name: 'sink.ongoing.order-report',
  input: topics.orderReport,
  entityType: 'orderReport',
  async write(api, payload) {
    for (const line of payload.lines)
      await api.setOrderLineReported(payload.ongoingOrderId, line.lineId, line.reportedNumberOfItems);
    return null;
  },
  find: async () => null,
};
