/**
 * Flow 6, Multicase side of an order the warehouse cancelled or closed with nothing picked: its
 * picking list is closed, its quantities go back to the back order with their allocation
 * released, and an integration exception says so (closePickingListInWarehouse). A picking list not
 * at the warehouse any more in Multicase (cancelled by the user, shipped) changes nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { PickingListClosure } from '../../schemas/types.generated.js';
import { closePickingListInWarehouse } from '../../connectors/multicase/adapter/warehouse-closures.js';
import type { MulticaseCommandHandler } from './sink.js';

const STAGE = 'sink.multicase.picking-list-closure';

export const pickingListClosureHandler: MulticaseCommandHandler<PickingListClosure> = {
  name: STAGE,
  input: topics.pickingListClosure,
  apply: (trx, payload, command) =>
    closePickingListInWarehouse(
      trx,
      {
        pickingListNumber: payload.pickingListNumber,
        warehouseCode: payload.warehouseCode,
        statusNumber: payload.statusNumber,
        statusText: payload.statusText,
        cancelled: payload.cancelled,
      },
      { stage: STAGE, eventId: command.commandId },
    ),
};
