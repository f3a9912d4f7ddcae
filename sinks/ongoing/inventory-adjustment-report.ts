/**
 * Flow 8, Ongoing side: the acknowledgement of an inventory adjustment, `setReported` for its
 * inventory and article, sent only after the adjustment's event is in Kafka (the source emits
 * this command as its follow-up). Marking reported twice is harmless, so a repeated command is too.
 */
import { topics } from '../../schemas/catalog.js';
import type { InventoryAdjustmentReport } from '../../schemas/types.generated.js';
import type { OngoingWriteHandler } from './writer.js';

export const inventoryAdjustmentReportHandler: OngoingWriteHandler<InventoryAdjustmentReport> = {
  name: 'sink.ongoing.inventory-adjustment-report',
  input: topics.inventoryAdjustmentReport,
  entityType: 'inventoryAdjustmentReport',
  async write(api, payload) {
    await api.setInventoryAdjustmentReported(payload.inventoryId, payload.articleSystemId);
    // Nothing to map: the adjustment is Ongoing's own.
    return null;
  },
  find: async () => null,
};
