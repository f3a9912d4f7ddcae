/**
 * Flow 7, Multicase side of the returns the warehouse registers itself: the goods are booked into
 * stock and put on a Multicase return the user settles (created, or an announced one linked),
 * with an integration exception (bookWarehouseReturn). The command carries the total returned per
 * Ongoing order line, so a repeat books nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { WarehouseReturn } from '../../schemas/types.generated.js';
import { bookWarehouseReturn } from '../../connectors/multicase/adapter/warehouse-returns.js';
import type { MulticaseCommandHandler } from './sink.js';

const STAGE = 'sink.multicase.warehouse-return';

export const warehouseReturnHandler: MulticaseCommandHandler<WarehouseReturn> = {
  name: STAGE,
  input: topics.warehouseReturn,
  apply: (trx, payload, command) =>
    bookWarehouseReturn(
      trx,
      {
        pickingListNumber: payload.pickingListNumber,
        ongoingOrderId: payload.ongoingOrderId,
        ongoingOrderNumber: payload.ongoingOrderNumber,
        notCreatedByPipeline: payload.notCreatedByPipeline,
        warehouseCode: payload.warehouseCode,
        returnOrderNumbers: payload.returnOrderNumbers,
        comment: payload.comment,
        lines: payload.lines,
      },
      { stage: STAGE, eventId: command.commandId },
    ),
};
